package io.annals.hub.server.store.sqlite;

/**
 * The writer connection's page cache, sized by its file: {@code smallKib} while the file is at
 * most {@code largeFileBytes}, {@code largeKib} above.
 *
 * <p>Why two sizes: while a SQLite file is under 1 GiB, a commit that split index pages walks the
 * writer's whole page cache. B-tree balancing renumbers pages through a temporary number, that of
 * the page holding the lock byte at 1 GiB ({@code PENDING_BYTE / page size + 1}); the page cache
 * then believes it holds a page beyond the file's end and, at the end of the transaction, scans
 * every cached page to drop it ({@code pcache1TruncateUnsafe}). With single events, 25-30 per
 * commit, that walk over a full 64 MiB cache cost the committer 7-9 µs per event; with a 16 MiB
 * cache the walk is a quarter as long, and appends after a million events of history cost no
 * more (docs/decisions.md). Past 1 GiB the temporary number lies inside the file, there is no walk,
 * and the large cache keeps what it was chosen for: the random-key index pages of a long history
 * ({@link SqliteEventStore#WRITER_CACHE_KIB}).
 *
 * @param checkEvery how many commits pass between two looks at the file's size (a {@code stat})
 */
record WriterCache(long largeFileBytes, int smallKib, int largeKib, int checkEvery) {

  /** SQLite's {@code PENDING_BYTE}: the lock byte's offset, 1 GiB. */
  static final long PENDING_BYTE = 0x4000_0000L;
  static final int SMALL_FILE_KIB = 16 * 1024;
  static final WriterCache DEFAULT =
      new WriterCache(PENDING_BYTE, SMALL_FILE_KIB, SqliteEventStore.WRITER_CACHE_KIB, 1_000);

  WriterCache {
    if (smallKib < 1 || largeKib < smallKib || checkEvery < 1 || largeFileBytes < 0) {
      throw new IllegalArgumentException("a writer cache of " + smallKib + " KiB, then " + largeKib + " KiB above "
          + largeFileBytes + " bytes, checked every " + checkEvery + " commits");
    }
  }

  /** The cache for a file of {@code fileBytes}. */
  int kibFor(long fileBytes) {
    return fileBytes > largeFileBytes ? largeKib : smallKib;
  }
}
