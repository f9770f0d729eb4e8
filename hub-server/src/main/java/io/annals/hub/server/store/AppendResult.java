package io.annals.hub.server.store;

import io.annals.hub.server.event.Outcome;
import io.annals.hub.server.event.StoredEvent;

/**
 * What the store did with one appended event: {@code CREATED} (then {@code stored} is the new
 * event), or {@code DUPLICATE} / {@code CONFLICT} (then {@code stored} is the event already held
 * under that id, with its original {@code received_at}).
 */
public record AppendResult(Outcome outcome, StoredEvent stored) {}
