package io.annals.projections.checkpoint;

/**
 * Which read model of a projection a checkpoint belongs to: the one readers see, or the one a
 * rebuild is filling beside it until it catches up and takes its place.
 */
public enum Slot {
  LIVE("live"),
  REBUILD("rebuild");

  private final String column;

  Slot(String column) {
    this.column = column;
  }

  /** The value stored in {@code projection_checkpoint.slot}. */
  public String column() {
    return column;
  }

  /** The lease that a worker must hold to write this slot of {@code projection}. */
  public String leaseKey(String projection) {
    return this == LIVE ? projection : projection + "#rebuild";
  }

  static Slot ofColumn(String value) {
    for (Slot slot : values()) {
      if (slot.column.equals(value)) {
        return slot;
      }
    }
    throw new IllegalStateException("unknown slot in projection_checkpoint: " + value);
  }
}
