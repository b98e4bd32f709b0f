#!/usr/bin/env bash
# bin/sql-gateway.sh of the flink substitute: what the distribution's script does for
#   sql-gateway.sh start-foreground [-Dkey=value ...]
# the SQL Gateway (org.apache.flink.table.gateway.SqlGateway, from opt/flink-sql-gateway-*.jar, as the
# distribution ships it) on the class path of lib/, with conf/config.yaml, in the foreground. The daemon forms
# (start, stop) of the distribution's script are not there: a container runs one process in the foreground.
set -euo pipefail
FLINK_HOME=${FLINK_HOME:-/opt/flink}
CONF_DIR="$FLINK_HOME/conf"
case "${1:-}" in
  start-foreground) shift ;;
  *) echo "Usage: $(basename "$0") start-foreground [-Dkey=value ...] (the substitute image runs the SQL Gateway" \
       "in the foreground only)" >&2; exit 1 ;;
esac
gateway_jar=$(find "$FLINK_HOME/opt" -name 'flink-sql-gateway-*.jar' | head -1)
[[ -n "$gateway_jar" ]] || { echo "no flink-sql-gateway jar in $FLINK_HOME/opt" >&2; exit 1; }
log_settings="-Dlog.file=$FLINK_HOME/log/flink-sql-gateway.log -Dlog4j.configuration=file:$CONF_DIR/log4j-console.properties -Dlog4j.configurationFile=file:$CONF_DIR/log4j-console.properties"
java_opts=$(sed -n -e "s/^env\.java\.opts\.all: //p" -e "s/^      all: //p" "$CONF_DIR/config.yaml" | tail -1)  # flat or nested
export FLINK_CONF_DIR="$CONF_DIR"  # where the gateway reads config.yaml, as in the distribution
# shellcheck disable=SC2086
exec java ${JVM_ARGS:-} $java_opts $log_settings -cp "$FLINK_HOME/lib/*:$gateway_jar" \
  org.apache.flink.table.gateway.SqlGateway "$@"
