package io.annals.ops.history;

import io.annals.hub.server.event.StoredEvent;
import io.annals.hub.server.store.FeedSource;
import java.util.List;

/** For tests in other packages: every event of a store, in feed order. */
public final class MigrateFixture {

  private MigrateFixture() {}

  public static List<StoredEvent> all(FeedSource feed) {
    return MigrateTest.all(feed);
  }
}
