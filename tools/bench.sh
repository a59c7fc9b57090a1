#!/usr/bin/env bash
# Runs the JMH benchmarks in src/test/java/**/bench: status query, VRAM sample (needs gcc for the NVML stub),
# CLIP embeddings (the committed fixture). Usage: tools/bench.sh [benchmark regex]
#   tools/bench.sh StatusBenchmarks      JMH_OPTS="-f 1 -wi 5 -i 10" tools/bench.sh ClipBenchmarks
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
# shellcheck disable=SC2086
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" org.openjdk.jmh.Main \
  ${JMH_OPTS:--f 1 -wi 3 -w 2s -i 5 -r 2s} "${1:-com.rpavision.gpurm.bench.*}"
