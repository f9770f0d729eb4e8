package io.annals.projections.runtime;

import io.annals.hub.client.FeedLag;
import io.annals.hub.client.FeedPage;
import io.annals.hub.client.FeedReader;
import java.util.Set;

/**
 * Where the runtime reads events from: the hub's feed. Following {@code next} cursors from
 * {@code after = null} yields every acknowledged event of {@code types} exactly once in
 * {@code (received_at, id)} order; {@code next} is never null.
 */
public interface FeedSource {

  FeedPage read(String after, Set<String> types, int limit);

  FeedLag lag(String after, Set<String> types);

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
    };
  }
}
