#!/usr/bin/env bash
# Runs the JMH benchmarks in src/test/java/**/bench (status query, VRAM sample). Needs gcc for the NVML stub.
# Usage: tools/bench.sh [JMH options]   e.g. tools/bench.sh -f 1 -wi 3 -i 5 getStatus
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" org.openjdk.jmh.Main \
  -f 1 -wi 3 -w 2s -i 5 -r 2s "${@}" 'com.rpavision.gpurm.bench.*'
