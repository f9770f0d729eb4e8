package io.annals.hub.server.config;

import java.nio.file.Path;

/**
 * The ledger's settings, read apart from {@link HubConfig} (which the ledger leaves as it is).
 *
 * @param on {@code HUB_LEDGER}: false keeps no tree (for measuring what the ledger costs, or a hub
 *     whose history need not be verifiable); the {@code /ledger} endpoints then answer 404
 * @param keyFile {@code HUB_LEDGER_KEY_FILE}, or null for the key made in the data directory
 */
public record LedgerSettings(boolean on, Path keyFile) {

  /** The ledger on, with the key in {@code keyFile} (null: in the data directory). */
  public static LedgerSettings on(Path keyFile) {
    return new LedgerSettings(true, keyFile);
  }
}
