package io.annals.projections.runtime;

import io.annals.hub.client.FeedLag;
import io.annals.hub.client.FeedPage;
import io.annals.hub.client.FeedReader;
import java.time.Duration;
import java.util.Set;

/**
 * Where the runtime reads events from: the hub's feed. Following {@code next} cursors from
 * {@code after = null} yields every acknowledged event of {@code types} exactly once in
 * {@code (received_at, id)} order; {@code next} is never null.
 */
public interface FeedSource {

  FeedPage read(String after, Set<String> types, int limit);

  FeedLag lag(String after, Set<String> types);

  /**
   * As {@link #read(String, Set, int)}, but when nothing is there after {@code after} the source may
   * hold the answer until an event of {@code types} arrives or {@code wait} passed (a long poll); the
   * page is then empty. A source that cannot wait sleeps {@code wait} and then reads: the daemon then
   * polls at its interval.
   */
  default FeedPage read(String after, Set<String> types, int limit, Duration wait) throws InterruptedException {
    Thread.sleep(wait.toMillis());
    return read(after, types, limit);
  }

  /** The hub's feed through {@code reader}. */
  static FeedSource of(FeedReader reader) {
    return new FeedSource() {
      @Override
      public FeedPage read(String after, Set<String> types, int limit) {
        return reader.read(after, types, limit);
      }

      @Override
      public FeedLag lag(String after, Set<String> types) {
        return reader.lag(after, types);
      }

      @Override
      public FeedPage read(String after, Set<String> types, int limit, Duration wait) {
        // A long poll: the hub answers as soon as an event is stable, holding no thread meanwhile.
        return reader.read(after, types, limit, wait);
      }
    };
  }
}
