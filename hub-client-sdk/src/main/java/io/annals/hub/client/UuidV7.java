package io.annals.hub.client;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * Makes UUIDv7 ids (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter (method 1)
 * that starts at a random value below 2048 each millisecond, then 62 random bits. Ids from one
 * generator are strictly increasing, also within a millisecond and when the clock steps back.
 */
final class UuidV7 {

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private long lastMillis = -1;
  private int counter;

  UuidV7(Clock clock) {
    this.clock = clock;
  }

  synchronized UUID next() {
    long now = clock.millis();
    if (now > lastMillis) {
      lastMillis = now;
      counter = random.nextInt(1 << 11); // random start, with room to count up within this millisecond
    } else if (++counter > 0xFFF) {
      // More than the counter holds in one millisecond (or the clock stepped back): borrow the next.
      lastMillis++;
      counter = 0;
    }
    long msb = ((lastMillis & 0xFFFF_FFFF_FFFFL) << 16) | (0x7L << 12) | counter;
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }
}
