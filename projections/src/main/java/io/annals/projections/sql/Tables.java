package io.annals.projections.sql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The physical tables of one generation of a projection's read model. Readers query the logical
 * name (a view); a generation's tables are named {@code <logical>_g<generation>}, so that a
 * rebuild can fill new tables while readers still see the old ones, and switch the views at once.
 */
public record Tables(int generation, Map<String, String> physical) {

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,40}");

  public Tables {
    physical = Map.copyOf(physical);
  }

  /** The tables of {@code generation} for these logical names (lower-case SQL identifiers). */
  public static Tables of(int generation, List<String> logicalNames) {
    if (generation < 1) {
      throw new IllegalArgumentException("generation must be at least 1, was: " + generation);
    }
    Map<String, String> names = new LinkedHashMap<>();
    for (String logical : logicalNames) {
      if (!IDENTIFIER.matcher(logical).matches()) {
        throw new IllegalArgumentException(
            "table name must be a lower-case SQL identifier like payments_daily, was: " + logical);
      }
      names.put(logical, logical + "_g" + generation);
    }
    return new Tables(generation, names);
  }

  /** The physical table of this generation behind the logical name. */
  public String name(String logical) {
    String name = physical.get(logical);
    if (name == null) {
      throw new IllegalArgumentException(
          "unknown table " + logical + " (declared: " + physical.keySet() + ")");
    }
    return name;
  }
}
