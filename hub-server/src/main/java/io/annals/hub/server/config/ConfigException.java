package io.annals.hub.server.config;

/**
 * A configuration value is wrong. The message is one line that names the variable and its flag,
 * the value given and the form expected, so that start-up can print it as it is and stop.
 */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }
}
