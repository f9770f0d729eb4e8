package io.annals.hub.server.ledger;

/** One top-level member of a payload: its name (unescaped) and its value's JSON text exactly as stored. */
public record PayloadMember(String name, String valueJson) {}
