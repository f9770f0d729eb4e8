package io.annals.hub.server.query;

import java.util.Objects;

/** One bad query or path parameter: its name as the client wrote it ({@code limit}) and what was expected. */
public record ParameterError(String parameter, String detail) {

  public ParameterError {
    Objects.requireNonNull(parameter, "parameter");
    Objects.requireNonNull(detail, "detail");
  }
}
