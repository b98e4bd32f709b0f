#!/usr/bin/env bash
# Builds the container images of the integration tests when no registry can be reached: look-alikes of the
# official apache/kafka, flink and prom/prometheus images, under the same names (images.properties), on a Debian base made with
# debootstrap from the machine's apt mirror; the jars come from Maven Central through Maven. An image that
# is rebuilt only when its recipe here changed (--force rebuilds all). Needs root for debootstrap, and a Docker daemon (started when
# none answers and dockerd is installed). On a machine with registry access none of this is needed:
# Testcontainers pulls the official images.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=images.properties
source "$HERE/images.properties"
FORCE=false
[[ "${1:-}" == "--force" ]] && FORCE=true
APT_MIRROR=${APT_MIRROR:-http://deb.debian.org/debian}

log() { echo "[offline-images] $*"; }

ensure_docker() {
  docker info >/dev/null 2>&1 && return
  command -v dockerd >/dev/null || { echo "No Docker daemon answers and dockerd is not installed (apt-get install docker.io)" >&2; exit 1; }
  log "starting dockerd"
  nohup dockerd >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && return; sleep 1; done
  echo "dockerd did not start: see /var/log/dockerd.log" >&2; exit 1
}

# An image is rebuilt when it is missing or was built from another recipe (the files of its directory here), so
# that a machine keeping its images between runs never tests with a stale look-alike.
RECIPE_LABEL=org.sentimentstream.offline-images.recipe
recipe() { (cd "$HERE" && find "$@" -type f | sort | xargs sha256sum | sha256sum | cut -c1-16); }
needed() {  # image, recipe
  $FORCE && return 0
  [[ "$(docker image inspect -f "{{ index .Config.Labels \"$RECIPE_LABEL\" }}" "$1" 2>/dev/null)" != "$2" ]]
}

WORK=$(mktemp -d /tmp/offline-images.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

build_base() {
  local recipe="bookworm-minbase-openjdk-17-jre-headless-ca-certificates-procps"
  needed "$OFFLINE_BASE_IMAGE" "$recipe" || { log "$OFFLINE_BASE_IMAGE is up to date"; return; }
  command -v debootstrap >/dev/null || { echo "debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }
  log "debootstrap bookworm + openjdk-17-jre-headless from $APT_MIRROR"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates,procps \
    bookworm "$WORK/rootfs" "$APT_MIRROR" > "$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
  rm -rf "$WORK"/rootfs/var/cache/apt/archives/*.deb "$WORK"/rootfs/var/lib/apt/lists/*
  tar -C "$WORK/rootfs" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["/bin/bash"]' \
    -c "LABEL $RECIPE_LABEL=$recipe" \
    - "$OFFLINE_BASE_IMAGE" >/dev/null
  rm -rf "$WORK/rootfs"
  FORCE=true  # the images on top of it are stale now
}

maven_copy() {  # pom, output directory, goal
  "$ROOT/mvnw" -B -q -f "$1" "${3:-dependency:copy-dependencies}" -DoutputDirectory="$2"
}

build_kafka() {
  local recipe; recipe=$(recipe kafka)
  needed "$KAFKA_IMAGE" "$recipe" || { log "$KAFKA_IMAGE is up to date"; return; }
  log "building $KAFKA_IMAGE"
  local ctx="$WORK/kafka"
  mkdir -p "$ctx" && cp -r "$HERE/kafka/files" "$HERE/kafka/Dockerfile" "$ctx/"
  maven_copy "$HERE/kafka/pom.xml" "$ctx/libs"
  docker build -q --build-arg BASE_IMAGE="$OFFLINE_BASE_IMAGE" --label "$RECIPE_LABEL=$recipe" -t "$KAFKA_IMAGE" "$ctx" >/dev/null
}

build_flink() {
  local recipe; recipe=$(recipe flink)
  needed "$FLINK_IMAGE" "$recipe" || { log "$FLINK_IMAGE is up to date"; return; }
  log "building $FLINK_IMAGE"
  local ctx="$WORK/flink"
  mkdir -p "$ctx" && cp -r "$HERE/flink/files" "$HERE/flink/Dockerfile" "$ctx/"
  maven_copy "$HERE/flink/pom.xml" "$ctx/libs"
  maven_copy "$HERE/flink/pom.xml" "$ctx/plugins/metrics-prometheus" dependency:copy@prometheus-plugin
  docker build -q --build-arg BASE_IMAGE="$OFFLINE_BASE_IMAGE" --label "$RECIPE_LABEL=$recipe" -t "$FLINK_IMAGE" "$ctx" >/dev/null
}

build_prometheus() {
  local recipe; recipe=$(recipe prometheus)
  needed "$PROMETHEUS_IMAGE" "$recipe" || { log "$PROMETHEUS_IMAGE is up to date"; return; }
  log "building $PROMETHEUS_IMAGE from Debian's prometheus package"
  local ctx="$WORK/prometheus"
  mkdir -p "$ctx/deb" && cp "$HERE/prometheus/Dockerfile" "$HERE/prometheus/prometheus.yml" "$ctx/"
  (cd "$ctx/deb" && { apt-get download -q prometheus >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get download -q prometheus >/dev/null; }; } \
      && dpkg-deb -x prometheus_*.deb extracted)
  cp "$ctx/deb/extracted/usr/bin/prometheus" "$ctx/prometheus"
  rm -rf "$ctx/deb"
  docker build -q --build-arg BASE_IMAGE="$OFFLINE_BASE_IMAGE" --label "$RECIPE_LABEL=$recipe" -t "$PROMETHEUS_IMAGE" "$ctx" >/dev/null
}

ensure_docker
SECONDS=0
build_base
build_kafka
build_flink
build_prometheus
log "done in ${SECONDS} s: $(docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^($KAFKA_IMAGE|$FLINK_IMAGE|$PROMETHEUS_IMAGE|$OFFLINE_BASE_IMAGE) " | tr '\n' ';')"
