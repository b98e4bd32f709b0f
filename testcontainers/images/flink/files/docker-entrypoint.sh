#!/usr/bin/env bash
# /docker-entrypoint.sh of the flink substitute, with the official image's contract:
#   jobmanager | taskmanager | standalone-job [--job-classname C] [job args...] | any other command,
# FLINK_PROPERTIES ("key: value" lines) and JOB_MANAGER_RPC_ADDRESS / TASK_MANAGER_NUMBER_OF_TASK_SLOTS applied
# to conf/config.yaml, the process run in the foreground as user flink; another command (bin/sql-gateway.sh, say)
# gets the configuration and the user too, as the official image's pass-through mode gives them. What Flink's bin/ scripts do is done by
# BashJavaUtils inside flink-runtime: it writes the configuration and computes the JVM memory flags, without
# which a TaskManager does not start.
set -euo pipefail

FLINK_HOME=${FLINK_HOME:-/opt/flink}
CONF_DIR="$FLINK_HOME/conf"
LIB_CLASSPATH="$FLINK_HOME/lib/*"

bash_java_utils() {
  local output
  output=$(java -Xmx256m -cp "$LIB_CLASSPATH" -Dlog4j2.configurationFile="$CONF_DIR/log4j-console.properties" \
    -Dlog4j2.level=WARN org.apache.flink.runtime.util.bash.BashJavaUtils "$@" 2>&1) || {
      echo "BashJavaUtils $1 failed:" >&2; echo "$output" >&2; exit 1; }
  echo "$output" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

apply_configuration() {
  local args=(--configDir "$CONF_DIR" -flatten) line key value
  [[ -n "${JOB_MANAGER_RPC_ADDRESS:-}" ]] && args+=("-Djobmanager.rpc.address=$JOB_MANAGER_RPC_ADDRESS")
  [[ -n "${TASK_MANAGER_NUMBER_OF_TASK_SLOTS:-}" ]] \
    && args+=("-Dtaskmanager.numberOfTaskSlots=$TASK_MANAGER_NUMBER_OF_TASK_SLOTS")
  while IFS= read -r line; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    key=$(echo "${line%%:*}" | xargs)
    value=$(echo "${line#*:}" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')
    args+=("-D$key=$value")
  done <<< "${FLINK_PROPERTIES:-}"
  local lines
  lines=$(bash_java_utils UPDATE_AND_GET_FLINK_CONFIGURATION "${args[@]}")
  echo "$lines" > "$CONF_DIR/config.yaml"
}

# As the official image does: jemalloc for the Flink processes unless DISABLE_JEMALLOC=true. glibc's per-thread
# arenas keep native memory that sessions opened and closed on ever new threads freed (docs/reliability.md).
maybe_enable_jemalloc() {
  [[ "${DISABLE_JEMALLOC:-false}" == "false" ]] || return 0
  local lib="/usr/lib/$(uname -m)-linux-gnu/libjemalloc.so"
  if [[ -f "$lib" ]]; then
    export LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD:}$lib"
  else
    echo "WARNING: attempted to load jemalloc from $lib but the library couldn't be found. glibc will be used instead." >&2
  fi
}

as_flink() {
  maybe_enable_jemalloc
  if [[ "$(id -u)" == "0" ]]; then
    chown -R flink:flink "$FLINK_HOME/log" "$FLINK_HOME/conf" 2>/dev/null || true
    exec setpriv --reuid=flink --regid=flink --init-groups "$@"
  fi
  exec "$@"
}

java_opts() {  # env.java.opts.all and the per-process option, from the written configuration
  java_opts_of() { sed -n "s/^$1: //p" "$CONF_DIR/config.yaml" | tail -1; }
  echo "$(java_opts_of 'env.java.opts.all') $(java_opts_of "env.java.opts.$1")"
}

log_settings() {
  echo "-Dlog.file=$FLINK_HOME/log/flink-$1.log -Dlog4j.configuration=file:$CONF_DIR/log4j-console.properties -Dlog4j.configurationFile=file:$CONF_DIR/log4j-console.properties"
}

start_jobmanager() {  # $1: entry point class, then its arguments
  local entrypoint=$1; shift
  local params jvm_params dynamic
  params=$(bash_java_utils GET_JM_RESOURCE_PARAMS --configDir "$CONF_DIR")
  jvm_params=$(echo "$params" | head -1); dynamic=$(echo "$params" | tail -1)
  # shellcheck disable=SC2086
  as_flink java $jvm_params $(java_opts jobmanager) $(log_settings jobmanager) \
    -cp "$LIB_CLASSPATH" "$entrypoint" --configDir "$CONF_DIR" $dynamic "$@"
}

start_taskmanager() {
  local params jvm_params dynamic
  params=$(bash_java_utils GET_TM_RESOURCE_PARAMS --configDir "$CONF_DIR")
  jvm_params=$(echo "$params" | tail -2 | head -1); dynamic=$(echo "$params" | tail -1)
  # shellcheck disable=SC2086
  as_flink java $jvm_params $(java_opts taskmanager) $(log_settings taskmanager) \
    -cp "$LIB_CLASSPATH" org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$CONF_DIR" $dynamic
}

case "${1:-help}" in
  jobmanager)
    shift; apply_configuration
    start_jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint "$@" ;;
  standalone-job)
    shift; apply_configuration
    start_jobmanager org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint "$@" ;;
  taskmanager)
    shift; apply_configuration; start_taskmanager ;;
  help)
    echo "Usage: $(basename "$0") (jobmanager|standalone-job|taskmanager|help|<command>)"; exit 0 ;;
  *)
    apply_configuration; as_flink "$@" ;;
esac
