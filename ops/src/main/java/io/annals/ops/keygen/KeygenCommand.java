package io.annals.ops.keygen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.annals.hub.server.auth.ApiKeys;
import io.annals.hub.server.auth.ApiKeysException;
import io.annals.hub.server.auth.Principal;
import io.annals.hub.server.auth.Role;
import io.annals.ops.Command;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code keygen --name N --role R [--service S ...] [--keys-file F]}: makes a new API key (32 random
 * bytes from {@link SecureRandom}, base64url without padding) and prints it once on the first line
 * of stdout, then its entry for the hub's keys file on the second. The key is never written
 * anywhere else; the entry holds only its SHA-256. With {@code --keys-file} the entry is also
 * added to that file, atomically, after checking that the whole file stays valid; when that fails
 * nothing is printed and the file is unchanged. Exits 0, 1 when the file cannot be updated, 2 on
 * bad options.
 */
public final class KeygenCommand implements Command {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USAGE =
      "usage: keygen --name NAME --role producer|reader|admin [--service SERVICE ...] [--keys-file FILE]";

  private final PrintStream out;
  private final PrintStream err;
  private final SecureRandom random;

  public KeygenCommand() {
    this(System.out, System.err, new SecureRandom());
  }

  KeygenCommand(PrintStream out, PrintStream err, SecureRandom random) {
    this.out = out;
    this.err = err;
    this.random = random;
  }

  @Override
  public String summary() {
    return "make an API key and its keys-file entry: --name N --role R [--service S ...] [--keys-file F]";
  }

  @Override
  public int run(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("keygen: " + e.getMessage());
      err.println(USAGE);
      return USAGE_ERROR;
    }
    if (options == null) {
      out.println(USAGE);
      return 0;
    }
    String key = newKey();
    ObjectNode entry = entry(options.principal, ApiKeys.sha256Hex(key));
    String appended = "";
    if (options.keysFile != null) {
      try {
        int count = KeysFile.append(options.keysFile, entry);
        appended = "; added to " + options.keysFile + " (now " + count + (count == 1 ? " key" : " keys") + "), which the hub reads at start-up";
      } catch (ApiKeysException e) {
        err.println("keygen: " + e.getMessage() + "; " + options.keysFile + " not changed");
        return 1;
      } catch (IOException e) {
        err.println("keygen: cannot update " + options.keysFile + ": " + e + "; not changed");
        return 1;
      }
    }
    out.println(key);
    out.println(entry);
    out.flush();
    Principal p = options.principal;
    err.println("keygen: line 1 is the new API key \"" + p.name() + "\" (role " + p.role().wireName()
        + (p.services().isEmpty() ? "" : ", services " + String.join(", ", p.services()))
        + "). It is shown only this once: store it in a secret store now. Callers send it as"
        + " \"Authorization: Bearer <key>\".");
    err.println("keygen: line 2 is its entry for the keys file (HUB_API_KEYS_FILE)" + appended + ".");
    return 0;
  }

  private String newKey() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static ObjectNode entry(Principal principal, String sha256) {
    ObjectNode entry = JSON.createObjectNode();
    entry.put("name", principal.name());
    entry.put("sha256", sha256);
    entry.put("role", principal.role().wireName());
    if (!principal.services().isEmpty()) {
      ArrayNode services = entry.putArray("services");
      principal.services().forEach(services::add);
    }
    return entry;
  }

  /** The parsed options; {@link #parse} answers null for {@code --help}. */
  private static final class Options {
    Principal principal;
    Path keysFile;

    static Options parse(String[] args) {
      String name = null;
      String role = null;
      String keysFile = null;
      Set<String> services = new LinkedHashSet<>();
      List<String> rest = new ArrayList<>(List.of(args));
      while (!rest.isEmpty()) {
        String arg = rest.remove(0);
        if (arg.equals("--help") || arg.equals("-h")) {
          return null;
        }
        String value;
        int eq = arg.indexOf('=');
        String flag = eq > 0 ? arg.substring(0, eq) : arg;
        if (eq > 0) {
          value = arg.substring(eq + 1);
        } else if (!rest.isEmpty()) {
          value = rest.remove(0);
        } else {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        switch (flag) {
          case "--name" -> name = once(flag, name, value);
          case "--role" -> role = once(flag, role, value);
          case "--service" -> services.add(service(value));
          case "--keys-file" -> keysFile = once(flag, keysFile, value);
          default -> throw new IllegalArgumentException("unknown option \"" + flag + "\"");
        }
      }
      if (name == null || role == null) {
        throw new IllegalArgumentException("--name and --role are required");
      }
      String wire = role;
      Role parsed = Role.fromWireName(role).orElseThrow(() -> new IllegalArgumentException(
          "--role is \"" + wire + "\"; expected producer, reader or admin"));
      if (parsed == Role.PRODUCER && services.isEmpty()) {
        throw new IllegalArgumentException("--role producer needs at least one --service (the meta.service it may write)");
      }
      if (parsed != Role.PRODUCER && !services.isEmpty()) {
        throw new IllegalArgumentException("--service applies only to --role producer; a " + parsed.wireName()
            + " key is not bound to services");
      }
      Options options = new Options();
      try {
        options.principal = new Principal(name, parsed, services);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--" + e.getMessage(), e); // the name: "--name \"a b\" must be ..."
      }
      if (keysFile != null) {
        try {
          options.keysFile = Path.of(keysFile);
        } catch (InvalidPathException e) {
          throw new IllegalArgumentException("--keys-file \"" + keysFile + "\" is not a valid path");
        }
      }
      return options;
    }

    private static String service(String value) {
      if (value.isBlank() || !value.strip().equals(value)) {
        throw new IllegalArgumentException("--service \"" + value + "\" must be a meta.service name without surrounding spaces");
      }
      return value;
    }

    private static String once(String flag, String previous, String value) {
      if (previous != null) {
        throw new IllegalArgumentException(flag + " given twice");
      }
      return value;
    }
  }
}
