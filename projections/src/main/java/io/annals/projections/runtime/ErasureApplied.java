package io.annals.projections.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.annals.hub.client.ReceivedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An erasure of personal data as the hub announces it in the feed: an event of service {@code
 * annals}, type {@code erasure-applied}, naming the erased events and payload members (never their
 * values). The runtime hands it to {@link Batch#onErasure}, in feed order and in the same
 * transaction as the checkpoint, so a projection drops its copies exactly once.
 *
 * <p>Events read after the erasure (a rebuild) already carry the hub's marker instead of each
 * erased member ({@link #isErased}): a handler treats such a member as absent.
 *
 * @param pointers top-level member pointers ({@code /email}); null when the whole payload was erased
 */
public record ErasureApplied(String erasureId, List<String> eventIds, List<String> pointers) {

  public static final String SERVICE = "annals";
  public static final String TYPE = "erasure-applied";
  /** The member name of the hub's marker, {@code {"annals:erased": {...}}}. */
  public static final String MARKER = "annals:erased";

  public ErasureApplied {
    eventIds = List.copyOf(eventIds);
    pointers = pointers == null ? null : List.copyOf(pointers);
  }

  /** The erasure this feed event announces, or empty for any other event. */
  public static Optional<ErasureApplied> of(ReceivedEvent event) {
    if (!SERVICE.equals(event.service()) || !TYPE.equals(event.type())) {
      return Optional.empty();
    }
    JsonNode p = event.payload();
    List<String> ids = new ArrayList<>();
    p.path("event_ids").forEach(id -> ids.add(id.asText()));
    List<String> pointers = null;
    if (p.path("pointers").isArray()) {
      pointers = new ArrayList<>();
      for (JsonNode pointer : p.get("pointers")) {
        pointers.add(pointer.asText());
      }
    }
    return Optional.of(new ErasureApplied(p.path("erasure_id").asText(), ids, pointers));
  }

  /** True when this erasure removed the top-level payload member {@code name} (or the whole payload). */
  public boolean erases(String name) {
    return pointers == null || pointers.contains("/" + name.replace("~", "~0").replace("/", "~1"));
  }

  /** True when a payload member's value is the hub's erasure marker, not a value. */
  public static boolean isErased(JsonNode value) {
    return value != null && value.isObject() && value.size() == 1 && value.has(MARKER);
  }

  /** The event types a projection reads: its own and, unless it reads every type, the erasures. */
  static Set<String> withErasures(Set<String> types) {
    if (types.isEmpty() || types.contains(TYPE)) {
      return types;
    }
    java.util.Set<String> all = new java.util.HashSet<>(types);
    all.add(TYPE);
    return Set.copyOf(all);
  }
}
