package io.annals.ops.send;

import io.annals.hub.client.AnnalsClient;
import io.annals.hub.client.EventBuilder;
import io.annals.hub.client.Events;
import io.annals.hub.client.SpoolFullException;
import io.annals.ops.Command;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * {@code send --hub URL [--api-key K] --service S --spool DIR [--no-wait] [--timeout SECONDS] <
 * events.ndjson}: publishes each line of stdin (one event in the hub's envelope) through the SDK's
 * durable spool, keeping ids that are present (so sending a file again is idempotent) and filling a
 * missing {@code meta.service} with {@code --service}; then waits until every event in the spool
 * is delivered or dead-lettered.
 *
 * <p>Exits 0 when all were delivered; 65 when some lines were bad (each named on stderr with its line
 * number; the good ones are still sent) or some events were dead-lettered (refused by the hub, or
 * found damaged in the spool: counted on stdout and stderr, kept in the dead-letter file); 75 when events remain undelivered at the timeout (they
 * stay in the spool: the next {@code send} on it delivers them); 2 on bad options; 74 when the
 * spool cannot be used. {@code --no-wait} returns once every line is spooled.
 */
public final class SendCommand implements Command {

  static final int OK = 0;
  static final int USAGE = USAGE_ERROR;
  static final int BAD_LINES = 65;
  static final int IO_ERROR = 74;
  static final int NOT_DELIVERED = 75;

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;

  public SendCommand() {
    this(System.in, System.out, System.err, System.getenv());
  }

  SendCommand(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.env = env;
  }

  @Override
  public String summary() {
    return "publish NDJSON events from stdin through a durable spool: --hub URL --service S --spool DIR [--no-wait]";
  }

  @Override
  public int run(String[] args) {
    SendOptions options;
    try {
      options = SendOptions.parse(args, env);
    } catch (IllegalArgumentException e) {
      err.println("send: " + e.getMessage());
      err.println(SendOptions.USAGE);
      return USAGE;
    }
    if (options == null) {
      out.println(SendOptions.USAGE);
      return OK;
    }
    SendTally tally = new SendTally();
    AnnalsClient client;
    try {
      client = AnnalsClient.builder().hubUrl(options.hub()).apiKey(options.apiKey()).service(options.service())
          .spoolDirectory(options.spool()).listener(tally).build();
    } catch (IllegalArgumentException e) {
      err.println("send: " + e.getMessage());
      return USAGE;
    } catch (IllegalStateException | UncheckedIOException e) {
      err.println("send: " + e.getMessage());
      return IO_ERROR;
    }
    try (client) {
      long deadline = System.nanoTime() + options.timeout().toNanos();
      int exit = spoolAll(client, tally, deadline);
      if (exit != OK) {
        return exit;
      }
      if (options.noWait()) {
        out.printf("spooled %d events to %s (%d waiting in all); the next send on this spool delivers them%n",
            tally.spooled(), options.spool(), client.pendingEvents());
        return notAccepted(tally, client);
      }
      boolean drained = client.flush(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      out.println(tally.summary(client.deadLetterFile()));
      if (!drained) {
        err.printf("send: %d events not delivered within %ds; they stay in %s and the next send delivers them%n",
            client.pendingEvents(), options.timeout().toSeconds(), options.spool());
        if (client.heldBackEvents() > 0) {
          err.printf("send: %d of them held back: the hub fails (5xx) on each alone and accepted the others;"
              + " their ids are in the log (\"held back\")%n", client.heldBackEvents());
        }
        return NOT_DELIVERED;
      }
      return notAccepted(tally, client);
    }
  }

  /** BAD_LINES when a line was bad or an event dead-lettered (said on stderr), else OK. */
  private int notAccepted(SendTally tally, AnnalsClient client) {
    if (tally.deadLettered() > 0) {
      err.printf("send: %d events dead-lettered; see %s%n", tally.deadLettered(), client.deadLetterFile());
    }
    return tally.badLines() > 0 || tally.deadLettered() > 0 ? BAD_LINES : OK;
  }

  /** Publishes every line of stdin; returns OK, or an exit code when spooling had to stop. */
  private int spoolAll(AnnalsClient client, SendTally tally, long deadline) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int number = 0;
      while ((line = lines.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        EventBuilder event;
        try {
          event = Events.fromJson(line);
        } catch (IllegalArgumentException e) {
          err.println("send: line " + number + ": " + e.getMessage());
          tally.badLine();
          continue;
        }
        try {
          if (!publish(client, event, deadline)) {
            err.printf("send: the spool stayed full until the timeout; line %d and after were not spooled%n", number);
            return NOT_DELIVERED;
          }
        } catch (IllegalArgumentException tooBig) {
          err.println("send: line " + number + ": " + tooBig.getMessage());
          tally.badLine();
          continue;
        }
        tally.spooled(event.id() == null);
      }
    } catch (IOException | UncheckedIOException e) {
      err.println("send: " + e.getMessage());
      return IO_ERROR;
    }
    if (tally.badLines() > 0) {
      err.printf("send: %d bad lines were not sent%n", tally.badLines());
    }
    if (tally.withoutId() > 0) {
      err.printf("send: %d events had no id and got new ones; sending this input again would create them again%n",
          tally.withoutId());
    }
    return OK;
  }

  /** Publishes, waiting for room while the spool is full (a large import may outrun the hub). */
  private boolean publish(AnnalsClient client, EventBuilder event, long deadline) {
    while (true) {
      try {
        client.publish(event);
        return true;
      } catch (SpoolFullException full) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        client.flush(Duration.ofMillis(200));
      }
    }
  }
}
