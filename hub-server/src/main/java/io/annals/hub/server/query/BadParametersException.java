package io.annals.hub.server.query;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A read request with parameters the hub cannot use: answered 400 with a problem that names every
 * bad parameter, never 500. Retrying the same request cannot help.
 */
public final class BadParametersException extends RuntimeException {

  private final List<ParameterError> errors;

  public BadParametersException(List<ParameterError> errors) {
    super(errors.stream().map(e -> e.parameter() + ": " + e.detail()).collect(Collectors.joining("; ")));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a BadParametersException needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  public BadParametersException(String parameter, String detail) {
    this(List.of(new ParameterError(parameter, detail)));
  }

  /** Every bad parameter, in the order they were checked. */
  public List<ParameterError> errors() {
    return errors;
  }
}
