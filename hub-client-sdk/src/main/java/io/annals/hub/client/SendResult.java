package io.annals.hub.client;

import java.time.Instant;
import java.util.List;

/**
 * What the hub answered for one event sent with {@link AnnalsClient#send}. {@code receivedAt} is
 * set when the hub holds the event; {@code errors} lists what it found wrong (for
 * {@link Outcome#INVALID}, {@code "<json pointer>: <detail>"} per bad field), else it is empty.
 */
public record SendResult(String id, Outcome outcome, Instant receivedAt, List<String> errors) {

  /**
   * A result; {@code errors} is copied.
   *
   * @param id the event's id
   * @param outcome the hub's verdict
   * @param receivedAt when the hub stored the event, or null when it does not hold it
   * @param errors what the hub found wrong, possibly empty
   */
  public SendResult {
    errors = List.copyOf(errors);
  }
}
