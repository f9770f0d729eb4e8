package io.annals.hub.server.erasure;

import io.annals.hub.server.ingest.FieldError;
import java.util.List;
import java.util.stream.Collectors;

/** An erasure request the hub refuses: answered 400 with a problem naming each reason, never 500. */
public final class ErasureRequestException extends RuntimeException {

  private final List<FieldError> errors;

  public ErasureRequestException(List<FieldError> errors) {
    super(errors.stream().map(e -> (e.pointer().isEmpty() ? "" : e.pointer() + ": ") + e.detail()).collect(Collectors.joining("; ")));
    this.errors = List.copyOf(errors);
  }

  public ErasureRequestException(String pointer, String detail) {
    this(List.of(new FieldError(pointer, detail)));
  }

  public List<FieldError> errors() {
    return errors;
  }
}
