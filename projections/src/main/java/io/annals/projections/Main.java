package io.annals.projections;

/** The projections worker CLI. */
public final class Main {
  public static void main(String[] args) {
    throw new UnsupportedOperationException("not wired yet");
  }
}
