package io.annals.hub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.annals.hub.server.TestEvents;
import io.annals.hub.server.TestHub;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/** What the console's and Swagger UI's route tests check alike about files served by {@link StaticFiles}. */
final class StaticFilesAssertions {

  private StaticFilesAssertions() {
  }

  /** Each path (to the start of its content type) answers 200 without a key, with {@code policy} and nosniff. */
  static void servedWithoutKey(TestHub hub, Map<String, String> types, String policy) {
    types.forEach((path, type) -> {
      HttpResponse<String> answer = hub.get(path);
      assertThat(answer.statusCode()).as(path).isEqualTo(200);
      assertThat(answer.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(t -> assertThat(t).startsWith(type));
      assertThat(answer.headers().firstValue("Content-Security-Policy")).as(path).hasValue(policy);
      assertThat(answer.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
      assertThat(answer.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
    });
  }

  /** Each path answers a 404 problem whose body holds none of {@code absent}. */
  static void notFound(TestHub hub, List<String> paths, String... absent) {
    for (String path : paths) {
      HttpResponse<String> answer = hub.get(path);
      assertThat(answer.statusCode()).as(path).isEqualTo(404);
      assertThat(answer.headers().firstValue("Content-Type")).as(path)
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
      for (String text : absent) {
        assertThat(answer.body()).as(path).doesNotContain(text);
      }
      assertThat(TestEvents.parse(answer.body()).path("status").asInt()).isEqualTo(404);
    }
  }
}
