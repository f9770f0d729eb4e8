package io.annals.hub.client.internal.spool;

/**
 * One record read from the spool: its sequence number, when it was spooled (epoch millis, never
 * decreasing along the spool), its bytes and the bytes it takes on disk.
 */
public record SpooledEvent(long seq, long spooledAtMillis, byte[] body, int frameBytes) {}
