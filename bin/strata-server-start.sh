#!/usr/bin/env bash
# Starts a Strata broker in the foreground, the way Kafka's kafka-server-start.sh does:
#   bin/strata-server-start.sh config/server.properties [--override key=value ...]
# Environment: STRATA_HEAP_OPTS (default -Xms256m -Xmx1g), STRATA_OPTS (extra JVM options),
# STRATA_LOG_CONFIG (a logback.xml; default config/logback.xml), JAVA_HOME.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "USAGE: $0 server.properties [--override property=value]*" >&2
  exit 1
fi

base_dir=$(cd "$(dirname "$0")/.." && pwd)
jar="$base_dir/broker/target/strata-broker.jar"
if [ ! -f "$jar" ]; then
  echo "$jar not found: build it first with 'mvn -B -q -DskipTests package'" >&2
  exit 1
fi

java_cmd=java
if [ -n "${JAVA_HOME:-}" ]; then
  java_cmd="$JAVA_HOME/bin/java"
fi

# The class-data-sharing archive written by the build's training run (broker/pom.xml): classes
# mapped ready-parsed for a faster start and less private memory. A JVM that cannot use it (another
# JDK, a rebuilt jar) starts without it.
cds_opts=""
jsa="$base_dir/broker/target/strata-broker.jsa"
if [ -f "$jsa" ]; then
  cds_opts="-XX:SharedArchiveFile=$jsa -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off"
fi

exec "$java_cmd" ${STRATA_HEAP_OPTS:--Xms256m -Xmx1g} $cds_opts ${STRATA_OPTS:-} \
  -Dlogback.configurationFile="${STRATA_LOG_CONFIG:-$base_dir/config/logback.xml}" \
  -jar "$jar" "$@"
