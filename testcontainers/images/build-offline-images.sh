#!/usr/bin/env bash
# Builds substitutes for the container images of the integration tests, for machines where no registry can be
# reached: images that behave like the official apache/kafka, flink and prom/prometheus images, under this project's
# names (sentiment-stream-offline/..., see images.properties), never under the official ones. The tests
# (ContainerImages) take the official image wherever Docker has it or can pull it, and otherwise declare these
# compatible substitutes for it (Testcontainers' DockerImageName.asCompatibleSubstituteFor).
#
# The base is Debian bookworm made with debootstrap from the machine's apt mirror; the jars come from Maven Central
# through Maven. An image is rebuilt only when its recipe here changed (--force rebuilds all). Needs root for
# debootstrap, and a Docker daemon (started when none answers and dockerd is installed).
#
# Earlier versions of this script built look-alikes under the official names (apache/kafka:4.1.1, ...). This one
# removes those: only images that carry its recipe label (org.sentimentstream.offline-images.recipe), which no
# official image has; an official image is never removed, overwritten or retagged.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=images.properties
source "$HERE/images.properties"
FORCE=false
[[ "${1:-}" == "--force" ]] && FORCE=true
APT_MIRROR=${APT_MIRROR:-http://deb.debian.org/debian}
# The base's name in earlier versions of this script.
LEGACY_BASE_IMAGE=sentiment-stream/offline-base:bookworm-jre17

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
# that a machine keeping its images between runs never tests with a stale substitute.
RECIPE_LABEL=org.sentimentstream.offline-images.recipe
label_of() { docker image inspect -f "{{ index .Config.Labels \"$RECIPE_LABEL\" }}" "$1" 2>/dev/null || true; }
recipe() { (cd "$HERE" && find "$@" -type f | sort | xargs sha256sum | sha256sum | cut -c1-16); }
needed() {  # image, recipe
  $FORCE && return 0
  [[ "$(label_of "$1")" != "$2" ]]
}
# Never build under a name that is not this project's.
for image in "$OFFLINE_BASE_IMAGE" "$KAFKA_OFFLINE_IMAGE" "$FLINK_OFFLINE_IMAGE" "$PROMETHEUS_OFFLINE_IMAGE"; do
  [[ "$image" == sentiment-stream-offline/* ]] || { echo "images.properties: $image is not under sentiment-stream-offline/" >&2; exit 1; }
done

# Look-alikes of earlier versions of this script under an official repository name (any tag): removed, and only
# when they carry the recipe label. docker rmi without --force: an image that a container still uses stays, and
# the script says how to remove it.
remove_lookalikes_under_official_names() {
  local pairs=("$KAFKA_IMAGE=$KAFKA_OFFLINE_IMAGE" "$FLINK_IMAGE=$FLINK_OFFLINE_IMAGE"
    "$PROMETHEUS_IMAGE=$PROMETHEUS_OFFLINE_IMAGE") ref repo o pair
  while read -r ref; do
    repo=${ref%:*}
    for pair in "${pairs[@]}"; do
      o=${pair%%=*}; o=${o%:*}
      [[ "$repo" == "$o" || "$repo" == "docker.io/$o" || "$repo" == "docker.io/library/$o" ]] || continue
      [[ -n "$(label_of "$ref")" ]] || continue  # the official image: never touched
      if docker rmi "$ref" >/dev/null; then
        log "removed $ref: a look-alike that an earlier version of this script built under the official name" \
          "(label $RECIPE_LABEL); its substitute is ${pair#*=}"
      else
        log "could NOT remove $ref, a look-alike under the official name (label $RECIPE_LABEL): a container" \
          "still uses it? Remove it with: docker rmi $ref" >&2
      fi
    done
  done < <(docker images --filter "label=$RECIPE_LABEL" --format '{{.Repository}}:{{.Tag}}' | grep -v '<none>' || true)
  # Production images built by earlier test runs on a look-alike: not removed (they are this project's), named.
  while read -r ref; do
    [[ "${ref%:*}" == sentiment-stream ]] || continue
    log "note: $ref was built on a look-alike or substitute base (label $RECIPE_LABEL), not on the official Flink" \
      "image: rebuild it with deploy/docker/build.sh (or remove it: docker rmi $ref)"
  done < <(docker images --filter "label=$RECIPE_LABEL" --format '{{.Repository}}:{{.Tag}}' | grep -v '<none>' || true)
}

# The base under its earlier name: renamed (it is this project's image, and debootstrap takes minutes).
migrate_legacy_base() {
  [[ -n "$(label_of "$LEGACY_BASE_IMAGE")" ]] || return 0
  if ! docker image inspect "$OFFLINE_BASE_IMAGE" >/dev/null 2>&1; then
    docker tag "$LEGACY_BASE_IMAGE" "$OFFLINE_BASE_IMAGE"
  fi
  docker rmi "$LEGACY_BASE_IMAGE" >/dev/null && log "renamed the base $LEGACY_BASE_IMAGE to $OFFLINE_BASE_IMAGE"
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

docker_build() {  # image, recipe, context
  docker build -q --build-arg BASE_IMAGE="$OFFLINE_BASE_IMAGE" --label "$RECIPE_LABEL=$2" -t "$1" "$3" >/dev/null
}

build_kafka() {
  local recipe; recipe=$(recipe kafka)
  needed "$KAFKA_OFFLINE_IMAGE" "$recipe" || { log "$KAFKA_OFFLINE_IMAGE is up to date"; return; }
  log "building $KAFKA_OFFLINE_IMAGE, a substitute for $KAFKA_IMAGE"
  local ctx="$WORK/kafka"
  mkdir -p "$ctx" && cp -r "$HERE/kafka/files" "$HERE/kafka/Dockerfile" "$ctx/"
  maven_copy "$HERE/kafka/pom.xml" "$ctx/libs"
  docker_build "$KAFKA_OFFLINE_IMAGE" "$recipe" "$ctx"
}

build_flink() {
  local recipe; recipe=$(recipe flink)
  needed "$FLINK_OFFLINE_IMAGE" "$recipe" || { log "$FLINK_OFFLINE_IMAGE is up to date"; return; }
  log "building $FLINK_OFFLINE_IMAGE, a substitute for $FLINK_IMAGE"
  local ctx="$WORK/flink"
  mkdir -p "$ctx" && cp -r "$HERE/flink/files" "$HERE/flink/Dockerfile" "$ctx/"
  maven_copy "$HERE/flink/pom.xml" "$ctx/libs"
  maven_copy "$HERE/flink/pom.xml" "$ctx/plugins/metrics-prometheus" dependency:copy@prometheus-plugin
  maven_copy "$HERE/flink/pom.xml" "$ctx/opt" dependency:copy@sql-gateway
  debian_file libjemalloc2 usr/lib/x86_64-linux-gnu/libjemalloc.so.2 "$ctx/jemalloc"
  docker_build "$FLINK_OFFLINE_IMAGE" "$recipe" "$ctx"
}

debian_file() {  # package, file in it, target directory: from the host's apt mirror, as the images' base is
  local deb="$WORK/deb-$1"
  mkdir -p "$deb" "$3"
  (cd "$deb" && { apt-get download -q "$1" >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get download -q "$1" >/dev/null; }; } \
      && dpkg-deb -x "$1"_*.deb extracted)
  cp "$deb/extracted/$2" "$3/"
  rm -rf "$deb"
}

build_prometheus() {
  local recipe; recipe=$(recipe prometheus)
  needed "$PROMETHEUS_OFFLINE_IMAGE" "$recipe" || { log "$PROMETHEUS_OFFLINE_IMAGE is up to date"; return; }
  log "building $PROMETHEUS_OFFLINE_IMAGE, a substitute for $PROMETHEUS_IMAGE, from Debian's prometheus package"
  local ctx="$WORK/prometheus"
  mkdir -p "$ctx/deb" && cp "$HERE/prometheus/Dockerfile" "$HERE/prometheus/prometheus.yml" "$ctx/"
  (cd "$ctx/deb" && { apt-get download -q prometheus >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get download -q prometheus >/dev/null; }; } \
      && dpkg-deb -x prometheus_*.deb extracted)
  cp "$ctx/deb/extracted/usr/bin/prometheus" "$ctx/prometheus"
  rm -rf "$ctx/deb"
  docker_build "$PROMETHEUS_OFFLINE_IMAGE" "$recipe" "$ctx"
}

ensure_docker
SECONDS=0
remove_lookalikes_under_official_names
migrate_legacy_base
build_base
build_kafka
build_flink
build_prometheus
# substitutes replaced by a rebuild (untagged, and only ones with the recipe label)
docker image prune -f --filter "label=$RECIPE_LABEL" >/dev/null
log "done in ${SECONDS} s: $(docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' \
  | grep -E "^($KAFKA_OFFLINE_IMAGE|$FLINK_OFFLINE_IMAGE|$PROMETHEUS_OFFLINE_IMAGE|$OFFLINE_BASE_IMAGE) " | tr '\n' ';')"
