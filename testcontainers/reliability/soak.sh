#!/usr/bin/env bash
# The soak of docs/reliability.md: the job on a session cluster of containers for N minutes (default 30) at half
# the capacity it measures first, sampling RSS, heap, checkpoint duration, consumer lag and p99 latency. Not part of
# CI (too long). Writes docs/soak.md, docs/soak.csv and docs/soak.svg, and the soak's row of docs/reliability.md.
#
#   testcontainers/reliability/soak.sh [minutes]
#
# Needs what the container tests need: a Docker daemon and the images (testcontainers/images/build-offline-images.sh
# where no registry can be reached).
set -euo pipefail
cd "$(dirname "$0")/../.."
MINUTES=${1:-30}
ROOT=$(pwd)
exec ./mvnw -B -pl testcontainers -am verify \
  -Dtest=SoakITCase -Dsurefire.failIfNoSpecifiedTests=false -Dsentiment.excluded-groups=none \
  -Dit.test=none -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dsurefire.timeout=0 \
  -Dsentiment.soak.minutes="$MINUTES" -Dsentiment.soak.report="$ROOT/docs/soak.md" \
  -Dsentiment.reliability.report="$ROOT/docs/reliability.md"
