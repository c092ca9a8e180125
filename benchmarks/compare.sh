#!/usr/bin/env bash
# Strata vs Apache Kafka, side by side on this machine, in one command:
#
#   benchmarks/compare.sh [--quick] [--rounds N]
#
# Builds Strata, fetches Apache Kafka 4.3.1 (broker and tools) from Maven Central into
# benchmarks/target/apache-kafka/libs (nothing downloaded is committed), then runs both brokers
# alternately (Kafka, Strata, Kafka, Strata, ...) through the same workloads with Kafka's own
# ProducerPerformance, ConsumerPerformance and EndToEndLatency, and writes the medians and the
# Strata/Kafka ratios into benchmarks/RESULTS.md between <!-- comparison:begin --> and
# <!-- comparison:end -->. See benchmarks/README.md.
#
#   --quick     one round, 200,000 records per produce workload, 2,000 end-to-end records
#               (a few minutes; for development)
#   --rounds N  rounds to run (default 3, or 1 with --quick)
#
# Environment: JAVA_HOME (the Java for both brokers and all tools; default: java on the PATH).
set -euo pipefail

usage() {
  echo "USAGE: $0 [--quick] [--rounds N]" >&2
}

args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick)
      args+=(--quick)
      shift
      ;;
    --rounds)
      if [ $# -lt 2 ] || ! [[ "$2" =~ ^[1-9][0-9]*$ ]]; then
        echo "--rounds needs a positive whole number" >&2
        usage
        exit 2
      fi
      args+=(--rounds "$2")
      shift 2
      ;;
    -h|--help)
      usage
      exit 0
      ;;
    *)
      echo "unknown argument: $1" >&2
      usage
      exit 2
      ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command_line="benchmarks/compare.sh${args[*]:+ ${args[*]}}"

java_cmd=java
if [ -n "${JAVA_HOME:-}" ]; then
  java_cmd="$JAVA_HOME/bin/java"
fi

echo "==> Building Strata (mvn -B -q -DskipTests package)"
mvn -B -q -DskipTests package

echo "==> Fetching Apache Kafka into benchmarks/target/apache-kafka/libs"
mvn -B -q -f benchmarks/apache-kafka/pom.xml package

benchmarks_jar=""
for jar in benchmarks/target/strata-benchmarks-*.jar; do
  case "$jar" in
    *-sources.jar|*-tests.jar|*-javadoc.jar) ;;
    *) benchmarks_jar="$jar" ;;
  esac
done
if [ -z "$benchmarks_jar" ] || [ ! -f benchmarks/target/classpath.txt ]; then
  echo "benchmarks/target/strata-benchmarks-*.jar or classpath.txt missing after the build" >&2
  exit 1
fi

echo "==> Running the comparison"
exec "$java_cmd" -Xmx512m -cp "$benchmarks_jar:$(cat benchmarks/target/classpath.txt)" \
  io.strata.benchmarks.compare.Comparison --command "$command_line" ${args[@]+"${args[@]}"}
