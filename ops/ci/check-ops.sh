#!/usr/bin/env bash
# Checks the operational files: Prometheus config and alert rules (promtool check config,
# check rules, and the rules' unit tests), the Grafana dashboard's JSON, the compose file
# (docker-compose config: no Docker engine is needed for that), and the images' build stages
# (replayed with the local Maven). Installs Debian's prometheus, docker-compose and faketime
# packages when missing (faketime for hub-server's ClockStepFaultTest in `mvn verify`; chromium and
# chromium-driver for the console's browser tests; wrk for the bench), TypeScript from npm (tsc, for
# client-generation's typescript-fetch client), and runs `npm ci` for hub-server's CloudEvents
# JavaScript SDK interop test when npm is there. Exits non-zero on the first failure.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"

log() { printf 'check-ops: %s\n' "$*"; }

install_packages() {
  local missing=()
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  # libfaketime, for hub-server's ClockStepFaultTest (skipped, saying so, without it)
  command -v faketime >/dev/null 2>&1 || missing+=(faketime)
  # Debian's chromium and its WebDriver, for hub-server's console tests in a real headless browser
  # (skipped, saying so, without them)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  # wrk drives the bench's single-event scenarios (ingest-single-cloudevents needs it; BenchCommandTest runs it tiny)
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (Debian packages)"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's prometheus package starts a server on install; this script only needs promtool
  # (and the integration test starts its own server on a free port).
  if [[ " ${missing[*]} " == *" prometheus "* ]]; then
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
      $sudo systemctl stop prometheus >/dev/null 2>&1 || true
      $sudo systemctl disable prometheus >/dev/null 2>&1 || true
    fi
    if command -v service >/dev/null 2>&1; then
      $sudo service prometheus stop >/dev/null 2>&1 || true
    fi
    if command -v update-rc.d >/dev/null 2>&1; then
      $sudo update-rc.d prometheus disable >/dev/null 2>&1 || true
    fi
  fi
}

install_packages

# TypeScript's compiler, for client-generation's GeneratedClientsTest (the typescript-fetch client
# is compiled with tsc and run with Node; skipped, saying so, without them).
if command -v npm >/dev/null 2>&1 && ! command -v tsc >/dev/null 2>&1; then
  log "installing typescript 5.6.3 (npm, global)"
  npm install -g --silent typescript@5.6.3 >/dev/null
fi

log "promtool check config ops/prometheus/prometheus.yml"
promtool check config ops/prometheus/prometheus.yml

log "promtool check rules ops/prometheus/rules/*.rules.yml"
promtool check rules ops/prometheus/rules/*.rules.yml

log "promtool test rules ops/prometheus/tests/*.test.yml"
promtool test rules ops/prometheus/tests/*.test.yml

log "dashboards are valid JSON"
for dashboard in ops/grafana/dashboards/*.json; do
  python3 -m json.tool "$dashboard" >/dev/null || { log "invalid JSON: $dashboard"; exit 1; }
done

log "docker-compose config (docker-compose.yml)"
docker-compose -f docker-compose.yml config --quiet

log "Dockerfile build stages replayed without Docker (ops/ci/replay-docker-builds.sh)"
bash ops/ci/replay-docker-builds.sh

# The CloudEvents JavaScript SDK for hub-server's CloudEventsJavaScriptSdkInteropTest (issue 23),
# installed exactly as package-lock.json pins it. Without Node.js the test says it skipped.
if command -v npm >/dev/null 2>&1; then
  log "npm ci in hub-server/src/test/js (CloudEvents JavaScript SDK for the interop test)"
  (cd hub-server/src/test/js && npm ci --no-audit --no-fund --silent)
else
  log "npm not found: CloudEventsJavaScriptSdkInteropTest will report itself skipped"
fi

log "all operational checks passed"
