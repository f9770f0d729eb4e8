package io.annals.hub.server.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ledger's Ed25519 signing key (the JDK's own, no dependency) and its signed-note identity:
 * the key name (the checkpoint's origin), the 4-byte key id and the verifier key text of C2SP
 * signed-note (docs/ledger.md, "Signed tree head").
 *
 * <p>The key file is PEM: a {@code PRIVATE KEY} block (PKCS#8) and a {@code PUBLIC KEY} block
 * (X.509 SubjectPublicKeyInfo); the JDK cannot derive an Ed25519 public key from the private one,
 * so both are kept, and loading checks that they belong together.
 */
public record LedgerKey(PrivateKey privateKey, PublicKey publicKey, String name, byte[] keyId) {

  /** The key file's name in the embedded store's data directory. */
  public static final String DATA_DIR_FILE = "ledger-key.pem";
  private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  private static final byte SIGNED_NOTE_ED25519 = 0x01;

  /** The raw 32-byte Ed25519 public key (the last 32 bytes of its fixed-length SubjectPublicKeyInfo). */
  public byte[] rawPublicKey() {
    byte[] spki = publicKey.getEncoded();
    return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
  }

  /** The signed-note verifier key: {@code <name>+<hex key id>+<base64(0x01 ‖ public key)>}. */
  public String verifierKey() {
    byte[] typed = new byte[33];
    typed[0] = SIGNED_NOTE_ED25519;
    System.arraycopy(rawPublicKey(), 0, typed, 1, 32);
    return name + "+" + HexFormat.of().formatHex(keyId) + "+" + Base64.getEncoder().encodeToString(typed);
  }

  public byte[] sign(byte[] message) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The key from {@code HUB_LEDGER_KEY_FILE}: it must exist and hold a matching Ed25519 pair. */
  public static LedgerKey read(Path file, String setting) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new LedgerKeyException(setting + ": no ledger key file at " + file);
    } catch (IOException e) {
      throw new LedgerKeyException(setting + ": cannot read the ledger key file " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file + " (" + setting + ")");
  }

  /** The key in the data directory, made (and written, readable by the owner only) at the first start. */
  public static LedgerKey inDataDir(Path dataDir) {
    Path file = dataDir.resolve(DATA_DIR_FILE);
    if (!Files.exists(file)) {
      try {
        Files.createDirectories(dataDir);
        Files.writeString(file, pem(generate()), StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            StandardOpenOption.SYNC);
        restrictToOwner(file);
      } catch (FileAlreadyExistsException e) {
        // another start made it first: read theirs
      } catch (IOException e) {
        throw new LedgerKeyException("cannot write the ledger key file " + file + ": " + e.getMessage(), e);
      }
    }
    return read(file, "the ledger key in the data directory");
  }

  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java 17 runtime has Ed25519", e);
    }
  }

  /** The key file text for a key pair. */
  public static String pem(KeyPair pair) {
    Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    return "-----BEGIN PRIVATE KEY-----\n" + b64.encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n"
        + "-----BEGIN PUBLIC KEY-----\n" + b64.encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
  }

  static LedgerKey parse(String text, String where) {
    byte[] priv = null;
    byte[] pub = null;
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new LedgerKeyException("the ledger key file " + where + " has a " + m.group(1) + " block that is not base64");
      }
      if (m.group(1).equals("PRIVATE KEY")) {
        priv = der;
      } else if (m.group(1).equals("PUBLIC KEY")) {
        pub = der;
      }
    }
    if (priv == null || pub == null) {
      throw new LedgerKeyException("the ledger key file " + where + " needs a PRIVATE KEY and a PUBLIC KEY PEM block (Ed25519)");
    }
    PrivateKey privateKey;
    PublicKey publicKey;
    try {
      KeyFactory kf = KeyFactory.getInstance("Ed25519");
      privateKey = kf.generatePrivate(new PKCS8EncodedKeySpec(priv));
      publicKey = kf.generatePublic(new X509EncodedKeySpec(pub));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new LedgerKeyException("the ledger key file " + where + " does not hold an Ed25519 key pair: " + e.getMessage(), e);
    }
    LedgerKey key = of(privateKey, publicKey);
    byte[] probe = "annals ledger key check".getBytes(StandardCharsets.US_ASCII);
    if (!verify(publicKey, probe, key.sign(probe))) {
      throw new LedgerKeyException("the ledger key file " + where + " holds a public key that does not match its private key");
    }
    return key;
  }

  /** A key with its signed-note name {@code annals.ledger/<first 8 bytes of SHA-256(public key), hex>} and key id. */
  public static LedgerKey of(PrivateKey privateKey, PublicKey publicKey) {
    LedgerKey unnamed = new LedgerKey(privateKey, publicKey, "-", new byte[4]);
    byte[] raw = unnamed.rawPublicKey();
    String name = "annals.ledger/" + HexFormat.of().formatHex(Arrays.copyOf(Rfc6962.sha256().digest(raw), 8));
    var sha = Rfc6962.sha256();
    sha.update(name.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) '\n');
    sha.update(SIGNED_NOTE_ED25519);
    byte[] id = Arrays.copyOf(sha.digest(raw), 4);
    return new LedgerKey(privateKey, publicKey, name, id);
  }

  private static void restrictToOwner(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system (Windows): the directory's own permissions apply
    }
  }
}
