package io.annals.hub.server.store;

import java.util.List;

/**
 * The hub instances sharing the store and their feed watermarks, so that each instance's feed holds
 * back as far as the others' writes in flight. Errors as every storage port ({@link
 * io.annals.hub.server.store package}).
 */
public interface InstanceRegistry {

  /**
   * Publishes (upserts) this instance's watermark so that other instances' feeds can respect it,
   * and raises the store's {@link StoreClock#clockHighMark} to its heartbeat, in one write.
   */
  void publishWatermark(InstanceWatermark watermark);

  /** All published instance watermarks. */
  List<InstanceWatermark> watermarks();

  /** Removes an instance's watermark (graceful shutdown: it will write nothing more). */
  void retireInstance(String instanceId);
}
