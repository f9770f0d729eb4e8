package io.annals.projections.reports.paymentsdaily;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/** An exact amount of money in a currency, written {@code "3.0000/EUR"} in events. */
public record Amount(BigDecimal value, String currency) {

  private static final Pattern CURRENCY = Pattern.compile("[A-Za-z0-9]{1,16}");

  /** Parses {@code payload.amount}; the number is kept exactly as written (scale included). */
  public static Amount parse(JsonNode amount) {
    if (amount == null || !amount.isTextual()) {
      throw new IllegalArgumentException(
          "payload.amount must be a string like \"3.0000/EUR\", was: " + (amount == null || amount.isMissingNode() ? "missing" : amount));
    }
    return parse(amount.asText());
  }

  public static Amount parse(String text) {
    int slash = text.indexOf('/');
    if (slash <= 0 || slash != text.lastIndexOf('/') || slash == text.length() - 1) {
      throw new IllegalArgumentException("amount must look like \"3.0000/EUR\", was: \"" + text + "\"");
    }
    String currency = text.substring(slash + 1).trim();
    if (!CURRENCY.matcher(currency).matches()) {
      throw new IllegalArgumentException("amount currency must be a code like EUR, was: \"" + text + "\"");
    }
    BigDecimal value;
    try {
      value = new BigDecimal(text.substring(0, slash).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("amount must start with a decimal number, was: \"" + text + "\"");
    }
    return new Amount(value, currency.toUpperCase(java.util.Locale.ROOT));
  }
}
