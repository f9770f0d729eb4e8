package io.annals.hub.server;

/** Starts the hub: parses configuration, wires the store, ingestion and HTTP API. */
public final class Main {
  public static void main(String[] args) {
    throw new UnsupportedOperationException("not wired yet");
  }
}
