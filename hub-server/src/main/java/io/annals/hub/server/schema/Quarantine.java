package io.annals.hub.server.schema;

import java.time.Instant;
import java.util.List;

/**
 * The quarantine port: events kept aside, out of the history and the feed, until an admin
 * releases or drops them. Errors, precision and limits as every storage port
 * ({@link io.annals.hub.server.store package}).
 */
public interface Quarantine {

  /**
   * Keeps the events aside, durably before it returns, with every field ({@code meta.extensions}
   * included). An id already in the quarantine (held or dropped) is left as it is: a retried
   * submission is kept once. An entry given dropped is kept dropped, with its reason and time:
   * so {@code annals-ops migrate} copies the whole quarantine.
   */
  void hold(List<QuarantinedEvent> events);

  /**
   * Every entry, held and dropped, in id order strictly after {@code afterId} (null = from the
   * start), at most {@code limit}: what {@code annals-ops migrate} copies. (A released event is no
   * entry: it was removed once stored, and is copied with the history.)
   */
  List<QuarantinedEvent> entries(String afterId, int limit);

  /**
   * Held events (not dropped), optionally of one service and/or type (null = any), in id order
   * strictly after {@code afterId} (null = from the start), at most {@code limit}.
   */
  List<QuarantinedEvent> held(String service, String type, String afterId, int limit);

  /** The held events with these ids (unknown and dropped ids are left out). */
  List<QuarantinedEvent> find(List<String> ids);

  /** Removes these held events (released into the history); returns how many were held. */
  int release(List<String> ids);

  /** Marks these held events dropped with {@code reason}; returns how many were held. */
  int drop(List<String> ids, String reason, Instant at);

  /** How many events are held now. */
  long heldCount();
}
