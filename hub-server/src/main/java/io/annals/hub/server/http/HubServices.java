package io.annals.hub.server.http;

import io.annals.hub.server.auth.AccessControl;
import io.annals.hub.server.config.HubConfig;
import io.annals.hub.server.metrics.HubMetrics;

/**
 * What the app itself uses around every route group (see {@link HubApp#create}): the body limits and
 * stop timeout of the configuration, the request metrics, the problem answers' JSON and the access
 * check. Route groups do not see it: each is built with the services its handlers use.
 *
 * @param access decides every request before its handler (see {@code AccessFilter})
 */
public record HubServices(HubConfig config, HubMetrics metrics, EventJson json, AccessControl access) {}
