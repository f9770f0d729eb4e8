package io.annals.ops.history;

import io.annals.hub.server.store.StoreUnavailableException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Set;

/** What export, import and migrate share around their work: options, --help, and one line and an exit code per failure. */
final class Cli {

  static final int OK = 0;
  static final int USAGE = io.annals.ops.Command.USAGE_ERROR;
  static final int UNAVAILABLE = 69;
  static final int IO_ERROR = 74;

  private Cli() {}

  /** A command's work on its parsed options; answers the exit code. */
  interface Body {
    int run(Options options) throws Exception;
  }

  static int run(String name, String usage, String[] args, Set<String> valued, PrintStream out, PrintStream err, Body body) {
    try {
      Options o = Options.parse(args, valued, Set.of());
      if (o.help()) {
        out.println(usage);
        return OK;
      }
      return body.run(o);
    } catch (IllegalArgumentException e) {
      err.println(name + ": " + e.getMessage());
      err.println(usage);
      return USAGE;
    } catch (HubHttp.HubException | StoreUnavailableException e) {
      err.println(name + ": " + e.getMessage());
      return UNAVAILABLE;
    } catch (UncheckedIOException e) {
      err.println(name + ": " + e.getMessage());
      return IO_ERROR;
    } catch (Exception e) {
      err.println(name + ": " + e);
      return UNAVAILABLE;
    }
  }
}
