package io.annals.hub.server.auth;

/**
 * Quotes untrusted text for one-line messages and logs: control, format (e.g. bidi override) and
 * line-separator characters escaped as {@code \\uXXXX}, at most 100 characters kept.
 */
final class Quoting {

  private static final int MAX = 100;

  private Quoting() {}

  static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    int end = Math.min(text.length(), MAX);
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
          || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append(text.length() > MAX ? "...\"" : "\"").toString();
  }
}
