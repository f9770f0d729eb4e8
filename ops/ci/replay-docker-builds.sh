#!/usr/bin/env bash
# Replays the build stage of each Dockerfile in ops/docker/ without a Docker engine: copies exactly
# what its COPY lines copy into an empty directory, runs its RUN mvn lines there (with its ARGs),
# and checks that the jar its runtime stage copies was built. This proves the images build from
# this repository's sources with nothing else in the context; only the base images are not used
# (the local JDK and Maven stand in for maven:3.9-eclipse-temurin-17). Exits non-zero on failure.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
log() { printf 'replay-docker-builds: %s\n' "$*"; }
workdirs=()
trap 'rm -rf "${workdirs[@]}"' EXIT

replay() {
  local dockerfile="$1" work stage=none line src dst cmd jar
  local copy_from_build='^COPY --from=build /src/([^ ]+) '
  work="$(mktemp -d)"
  workdirs+=("$work")
  while IFS= read -r line; do
    case "$line" in
      "FROM "*" AS build") stage=build; continue ;;
      "FROM "*) stage=runtime; continue ;;
    esac
    if [ "$stage" = build ]; then
      if [[ "$line" =~ ^COPY\ ([^ ]+)\ ([^ ]+)$ ]]; then
        src="${BASH_REMATCH[1]}"; dst="$work/${BASH_REMATCH[2]}"
        if [ -d "$repo/$src" ]; then
          mkdir -p "$dst" && cp -r "$repo/$src/." "$dst"
        elif [[ "$dst" == */ ]]; then
          mkdir -p "$dst" && cp "$repo/$src" "$dst"
        else
          mkdir -p "$(dirname "$dst")" && cp "$repo/$src" "$dst"
        fi
      elif [[ "$line" =~ ^ARG\ ([A-Z_]+)=(.*)$ ]]; then
        export "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"
      elif [[ "$line" =~ ^RUN\ (mvn\ .*)$ ]]; then
        cmd="${BASH_REMATCH[1]}"
        log "$dockerfile: $cmd"
        (cd "$work" && eval "$cmd")
      fi
    elif [ "$stage" = runtime ] && [[ "$line" =~ $copy_from_build ]]; then
      jar="$work/${BASH_REMATCH[1]}"
      if [ ! -s "$jar" ]; then
        log "$dockerfile: the runtime stage copies ${BASH_REMATCH[1]}, which the build stage did not make"
        return 1
      fi
      log "$dockerfile: built ${BASH_REMATCH[1]} ($(du -h "$jar" | cut -f1))"
    fi
  done < "$repo/$dockerfile"
}

for dockerfile in ops/docker/hub-server/Dockerfile ops/docker/projections/Dockerfile; do
  replay "$dockerfile"
done
log "every image's build stage builds from the repository's sources"
