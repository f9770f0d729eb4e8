/** The hub's wire format: shared by the hub, which writes it, and the client SDK, which reads it. */
module io.annals.hub.wire {
  exports io.annals.hub.wire;
}
