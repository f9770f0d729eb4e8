package io.annals.hub.server.store;

import static io.annals.hub.server.store.TestEvents.micros;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The {@link InstanceRegistry} contract: watermarks published, replaced, retired and kept; on every adapter. */
class InstanceRegistryContractTest extends StoreContract {

  private InstanceRegistry instances() {
    return store.instances();
  }

  @Nested
  class Watermarks {

    @Test
    void published_watermarks_are_listed_and_replaced_by_the_next_publication() {
      instances().publishWatermark(new InstanceWatermark("hub-a", micros(10), micros(11)));
      instances().publishWatermark(new InstanceWatermark("hub-b", micros(20), micros(21)));
      instances().publishWatermark(new InstanceWatermark("hub-a", micros(30), micros(31)));

      assertThat(instances().watermarks()).containsExactlyInAnyOrder(
          new InstanceWatermark("hub-a", micros(30), micros(31)),
          new InstanceWatermark("hub-b", micros(20), micros(21)));
    }

    @Test
    void a_retired_instance_is_no_longer_listed() {
      instances().publishWatermark(new InstanceWatermark("hub-a", micros(10), micros(11)));
      instances().publishWatermark(new InstanceWatermark("hub-b", micros(20), micros(21)));

      instances().retireInstance("hub-a");
      instances().retireInstance("never-published");

      assertThat(instances().watermarks()).containsExactly(new InstanceWatermark("hub-b", micros(20), micros(21)));
    }
  }

  @Nested
  class Durability {

    @Test
    void watermarks_survive_close_and_reopen() {
      instances().publishWatermark(new InstanceWatermark("hub-a", micros(3), micros(4)));

      reopen();

      assertThat(instances().watermarks()).containsExactly(new InstanceWatermark("hub-a", micros(3), micros(4)));
    }
  }
}
