package io.annals.projections.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** SCRATCH: not to be committed. A fake hub to exercise the child-JVM tests before /feed exists. */
public final class ScratchFakeHub {
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<ObjectNode> events = new ArrayList<>();
  static Instant last = Instant.EPOCH;

  public static void main(String[] args) throws Exception {
    int port = 0;
    for (int i = 0; i < args.length; i++) if (args[i].equals("--port")) port = Integer.parseInt(args[i + 1]);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/health/ready", ex -> send(ex, 200, "{}"));
    server.createContext("/events", ex -> {
      JsonNode body = JSON.readTree(ex.getRequestBody());
      ArrayNode results = JSON.createArrayNode();
      synchronized (events) {
        for (JsonNode e : body) {
          Instant now = Instant.now();
          if (!now.isAfter(last)) now = last.plusNanos(1000);
          last = now;
          ObjectNode copy = e.deepCopy();
          ((ObjectNode) copy.get("meta")).put("received_at", now.toString());
          events.add(copy);
          results.addObject().put("id", e.get("id").asText()).put("outcome", "created");
        }
      }
      ObjectNode root = JSON.createObjectNode();
      root.set("results", results);
      send(ex, 200, root.toString());
    });
    server.createContext("/feed", ex -> {
      Map<String, String> q = query(ex);
      int after = q.containsKey("after") ? Integer.parseInt(q.get("after")) : 0;
      List<String> types = q.containsKey("types") ? List.of(q.get("types").split(",")) : List.of();
      ObjectNode root = JSON.createObjectNode();
      synchronized (events) {
        if (ex.getRequestURI().getPath().equals("/feed/lag")) {
          long n = 0; String oldest = null;
          for (int i = after; i < events.size(); i++) {
            ObjectNode e = events.get(i);
            if (types.isEmpty() || types.contains(e.get("meta").get("type").asText())) {
              n++; if (oldest == null) oldest = e.get("meta").get("received_at").asText();
            }
          }
          root.put("events", n); if (oldest != null) root.put("oldest_received_at", oldest);
          root.put("stable_until", Instant.now().toString());
        } else {
          int limit = Integer.parseInt(q.getOrDefault("limit", "100"));
          ArrayNode page = root.putArray("events");
          int i = after;
          for (; i < events.size() && page.size() < limit; i++) {
            ObjectNode e = events.get(i);
            if (types.isEmpty() || types.contains(e.get("meta").get("type").asText())) page.add(e);
          }
          root.put("next", Integer.toString(i));
          root.put("stable_until", Instant.now().toString());
        }
      }
      send(ex, 200, root.toString());
    });
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    server.start();
  }

  static Map<String, String> query(HttpExchange ex) {
    Map<String, String> q = new HashMap<>();
    String raw = ex.getRequestURI().getRawQuery();
    if (raw == null) return q;
    for (String kv : raw.split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) q.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return q;
  }

  static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }
}
