#!/usr/bin/env bash
# The scheduler at 1,000, 10,000 and 100,000 jobs (io.keyport.benchmark.SchedulerBenchmark, test scope, not part of
# ./mvnw verify): jobs seeded straight into PostgreSQL (embedded binary with pg_stat_statements), the real lifecycle
# beans of a Keyport context against the KMS emulator over HTTP, measured per lifecycle run. Prints a markdown table.
#
#   BENCH_SIZES=1000,10000,100000  job counts, one measurement each
#   BENCH_RUNS=4                   lifecycle runs measured per job count (median reported)
#   BENCH_GPFI_RATE=5              GetParametersForImport permits per second per target (2 targets)
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib/select-jdk.sh
echo "Using JAVA_HOME=$JAVA_HOME"

load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
./mvnw -B -ntp -q test -Dtest=SchedulerBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Djacoco.skip=true \
  >target/benchmark-scheduler.log 2>&1 || { tail -50 target/benchmark-scheduler.log >&2; exit 1; }
load_after="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"

echo
echo "CPU: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown), $(nproc 2>/dev/null || echo '?') cores;" \
  "load average before/after: $load_before / $load_after"
echo "Java: $(java -version 2>&1 | head -1)"
echo
cat target/benchmark/scheduler.md
echo
echo "Log: target/benchmark-scheduler.log; table: target/benchmark/scheduler.md"
