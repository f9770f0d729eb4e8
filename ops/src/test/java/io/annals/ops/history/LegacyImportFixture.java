package io.annals.ops.history;

/** The legacy records of the import tests: 5% of the lines are bad (not JSON, no key, no time). */
public final class LegacyImportFixture {

  private LegacyImportFixture() {}

  public static boolean isBad(int i) {
    return i % 20 == 7;
  }

  public static String line(int i) {
    return LegacyImportTest.legacyLine(i);
  }
}
