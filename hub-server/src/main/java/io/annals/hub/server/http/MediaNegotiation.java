package io.annals.hub.server.http;

import io.annals.hub.server.ingest.RequestRejectedException;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.QuotedCSV;

/**
 * Proactive content negotiation by RFC 9110 §12.5.1: for each media type a route can send, the
 * most specific media range of {@code Accept} that matches it gives its weight ({@code type/subtype}
 * before {@code type/*} before {@code *}{@code /*}); the highest weight above 0 wins; on equal
 * weights the range the client wrote first wins, then the route's own order (native JSON first).
 * No {@code Accept} (or one with no valid ranges) means anything is acceptable. Nothing acceptable
 * is a {@code 406} problem. Splitting the list and its parameters (quoted strings included) is
 * Jetty's {@link QuotedCSV} and {@link HttpField#getValueParameters}; its {@code QuotedQualityCSV}
 * is not used because it drops {@code q=0} ranges, which must still refuse a type that a wildcard
 * would otherwise accept (docs/decisions.md).
 */
final class MediaNegotiation {

  /** {@code qvalue} of RFC 9110 §12.4.2. */
  private static final Pattern QVALUE = Pattern.compile("0(\\.\\d{0,3})?|1(\\.0{0,3})?");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9a-z-]+");

  /** One media range of {@code Accept}: type and subtype in lower case ({@code *} for wildcards). */
  record Range(String type, String subtype, double q, int index) {

    /** How well this range names {@code mediaType}: 2 exactly, 1 by subtype wildcard, 0 by {@code *}{@code /*}, -1 not at all. */
    int specificity(String mediaType) {
      int slash = mediaType.indexOf('/');
      String t = mediaType.substring(0, slash);
      String s = mediaType.substring(slash + 1);
      if (type.equals("*")) {
        return subtype.equals("*") ? 0 : -1;
      }
      if (!type.equals(t)) {
        return -1;
      }
      if (subtype.equals("*")) {
        return 1;
      }
      return subtype.equals(s) ? 2 : -1;
    }
  }

  private MediaNegotiation() {}

  /**
   * The media type among {@code offers} (in the route's order of preference) that the request's
   * {@code Accept} prefers; throws a {@code 406} problem when none is acceptable.
   */
  static String choose(Context ctx, List<String> offers) {
    List<String> headers = Collections.list(ctx.req().getHeaders("Accept"));
    String chosen = choose(parse(headers), offers);
    if (chosen == null) {
      throw RequestRejectedException.notAcceptable("Accept allows none of the media types this resource has: "
          + String.join(", ", offers));
    }
    return chosen;
  }

  /** The preferred offer, or null when {@code ranges} accept none; empty ranges accept anything. */
  static String choose(List<Range> ranges, List<String> offers) {
    if (ranges.isEmpty()) {
      return offers.get(0);
    }
    String best = null;
    double bestQ = 0;
    int bestIndex = Integer.MAX_VALUE;
    for (String offer : offers) {
      Range match = null;
      int matchSpecificity = -1;
      for (Range r : ranges) {
        int s = r.specificity(offer);
        if (s > matchSpecificity) {
          match = r;
          matchSpecificity = s;
        }
      }
      if (match == null || match.q() <= 0) {
        continue;
      }
      if (match.q() > bestQ || (match.q() == bestQ && match.index() < bestIndex)) {
        best = offer;
        bestQ = match.q();
        bestIndex = match.index();
      }
    }
    return best;
  }

  /**
   * The valid media ranges of the {@code Accept} field lines, in order. A range that is not
   * {@code type/subtype} or whose {@code q} is not a qvalue is ignored, as a server may.
   */
  static List<Range> parse(List<String> fieldLines) {
    List<Range> ranges = new ArrayList<>();
    if (fieldLines.isEmpty()) {
      return ranges;
    }
    for (String element : new QuotedCSV(false, fieldLines.toArray(String[]::new))) {
      Map<String, String> parameters = new HashMap<>();
      String mediaRange = HttpField.getValueParameters(element, parameters).trim().toLowerCase(Locale.ROOT);
      int slash = mediaRange.indexOf('/');
      if (slash < 0) {
        continue;
      }
      String type = mediaRange.substring(0, slash).trim();
      String subtype = mediaRange.substring(slash + 1).trim();
      if (!TOKEN.matcher(type).matches() || !TOKEN.matcher(subtype).matches()
          || (type.equals("*") && !subtype.equals("*"))) {
        continue;
      }
      double q = 1;
      for (Map.Entry<String, String> p : parameters.entrySet()) {
        if (p.getKey().trim().equalsIgnoreCase("q")) {
          String value = p.getValue() == null ? "" : p.getValue().trim();
          q = QVALUE.matcher(value).matches() ? Double.parseDouble(value) : -1;
        }
      }
      if (q < 0) {
        continue;
      }
      ranges.add(new Range(type, subtype, q, ranges.size()));
    }
    return ranges;
  }
}
