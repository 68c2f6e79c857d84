#!/usr/bin/env bash
# An import through Keyport (the packaged jar on a real PostgreSQL 15) against the bare KMS calls a script would make,
# both against the project's KMS emulator, for KMS latency 0 and 20 ms × 1 and 8 clients; plus Keyport's startup time,
# RSS and GC pauses under the load. Keyport starts as the image starts it: the extracted jar with the AOT cache of a
# training run (docker/aot-cache.sh) and the image's JVM flags. Driver: io.keyport.benchmark.ImportBenchmark (test
# scope). Prints markdown tables; raw output in target/benchmark/import/. See docs/performance.md.
#
# Defaults take about seventeen minutes. Settings (environment):
#   BENCH_IMPORTS=200 measured imports per mode and cell
#   BENCH_WARMUP=300 per mode and cell, repeated (at most 8 times) until the compilers' share below held twice
#   Before the first cell, each mode warms up (8 clients, no KMS latency) in blocks of BENCH_SETTLE_BLOCK=1000 imports
#     until its process's JIT compiler threads used less than BENCH_SETTLE_SHARE=0.05 of its CPU in two in a row, or for
#     BENCH_SETTLE_MAX=30000 imports: with a fixed 3,000 the compilers still took a fifth to a quarter of Keyport's CPU
#   BENCH_ROUNDS=4 alternating blocks per mode and cell        BENCH_LATENCIES_MS=0,20   BENCH_CLIENTS=1,8
#   BENCH_MODES=bare,keyport                                   PG_BIN=/usr/lib/postgresql/15/bin
#   BENCH_MODES=startup: startup only, no load: BENCH_STARTUP_RUNS (3) starts of each variant, taken in turn, each on
#     a fresh database: "image" (as above), "extracted" (the same without the AOT cache) and "reference" (plain
#     `java -jar` with BENCH_REFERENCE_JAVA_OPTS, the image's flags before issue 14); medians printed
#   BENCH_PROFILE=1: JFR recording (settings=profile) of Keyport during the load, summarised in jfr-*.txt
#   BENCH_NMT=1: Native Memory Tracking (summary) in Keyport, its report after the load in nmt.txt, the JIT compilations
#     that took the most memory in compiler-memory.txt, the process's mappings in smaps.txt and
#     the live heap by class in histogram.txt (NMT costs a
#     little memory of its own: take RSS figures from a run without it)
#   BENCH_SKIP_BUILD=1 reuses the last build (the AOT cache is always trained again, about a minute)
#   BENCH_KEYPORT_JAVA_OPTS: JVM flags of Keyport (default: the image's, with MaxRAM for the chart's 768Mi limit)
# One profiled cell, Keyport only:
#   BENCH_PROFILE=1 BENCH_MODES=keyport BENCH_LATENCIES_MS=20 BENCH_CLIENTS=8 scripts/benchmark-import.sh
set -euo pipefail
cd "$(dirname "$0")/.."

imports="${BENCH_IMPORTS:-200}"
warmup="${BENCH_WARMUP:-300}"
settle_block="${BENCH_SETTLE_BLOCK:-1000}"
settle_max="${BENCH_SETTLE_MAX:-30000}"
settle_share="${BENCH_SETTLE_SHARE:-0.05}"
rounds="${BENCH_ROUNDS:-4}"
latencies="${BENCH_LATENCIES_MS:-0,20}"
clients="${BENCH_CLIENTS:-1,8}"
modes="${BENCH_MODES:-bare,keyport}"
profile="${BENCH_PROFILE:-}"
nmt="${BENCH_NMT:-}"
pg_bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
# what the image sets (Dockerfile's JAVA_TOOL_OPTIONS, the chart's jvm.options; why: the Dockerfile), with MaxRAM
# standing in for the chart's container memory limit (768Mi); -Djava.io.tmpdir=/tmp is left out (the default here)
keyport_java_opts="${BENCH_KEYPORT_JAVA_OPTS:--XX:MaxRAM=768m -XX:+UseSerialGC -XX:MaxRAMPercentage=50 -XX:InitialRAMPercentage=12.5 -XX:NewRatio=3 -XX:MetaspaceSize=64m -XX:+UseCompactObjectHeaders -XX:+ExitOnOutOfMemoryError -XX:TrimNativeHeapInterval=5000 --add-modules=jdk.crypto.cryptoki --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED}"
# the image's flags before issue 14 (G1 by default here, as MaxRAM does not change the JVM's choice of GC)
reference_java_opts="${BENCH_REFERENCE_JAVA_OPTS:--XX:MaxRAM=768m -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError}"
startup_runs="${BENCH_STARTUP_RUNS:-3}"
out=target/benchmark/import

. scripts/lib/select-jdk.sh
[ -x "$pg_bin/postgres" ] || { echo "No PostgreSQL binaries in $pg_bin (set PG_BIN)" >&2; exit 1; }
for tool in curl; do command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 1; }; done

# PostgreSQL refuses to run as root: as root (a CI container), its commands run as the postgres user
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A port nobody listens on (bash's /dev/tcp connects only where something does)
free_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "no free port found" >&2
  return 1
}

# Where Keyport's work goes, from JFR's execution samples. Each sample is charged to the innermost frame (nearest the
# top of its stack) that belongs to a known area; JDK frames (java.*, jdk.*, sun.*) are charged to their caller, so
# RSA arithmetic under the JWT check counts as token checking and under wrapping as wrapping. A second list counts
# every sample that has the area anywhere on its stack (overlapping): the time spent inside transactions, for one.
jfr_areas() {
  awk '
    function area(frame) {
      if (frame ~ /^io\.keyport\.audit\./) return "Keyport audit (io.keyport.audit)"
      if (frame ~ /^io\.keyport\.wrapping\./) return "Keyport wrapping (io.keyport.wrapping)"
      if (frame ~ /^io\.keyport\./) return "Keyport other (io.keyport)"
      if (frame ~ /^software\.amazon\.awssdk\.|^org\.apache\.http\./) return "AWS SDK and its Apache HTTP client"
      if (frame ~ /^org\.springframework\.(transaction|orm)\./) return "Spring transactions and JPA support"
      if (frame ~ /^org\.hibernate\./) return "Hibernate"
      if (frame ~ /^org\.postgresql\.|^com\.zaxxer\.hikari\./) return "JDBC driver and pool"
      if (frame ~ /^com\.nimbusds\.|^org\.springframework\.security\.oauth2\./) return "JWT decoding and checks (Nimbus, Spring OAuth2)"
      if (frame ~ /^org\.springframework\.security\./) return "Spring Security filters"
      if (frame ~ /^tools\.jackson\.|^com\.fasterxml\.jackson\./) return "JSON (Jackson)"
      if (frame ~ /^io\.micrometer\.|^io\.opentelemetry\./) return "Observations, metrics, tracing"
      if (frame ~ /^ch\.qos\.logback\.|^org\.slf4j\./) return "Logging"
      if (frame ~ /^org\.springframework\.boot\.loader\./) return "Class loading from the jar"
      if (frame ~ /^org\.springframework\.web\./) return "Spring MVC"
      if (frame ~ /^org\.apache\.(catalina|coyote|tomcat)\./) return "Tomcat"
      if (frame ~ /^org\.springframework\./) return "Spring other"
      return ""
    }
    function within(frame) {
      if (frame ~ /TransactionTemplate\.execute|TransactionInterceptor\.invoke/) return "inside a transaction"
      if (frame ~ /^io\.keyport\.audit\./) return "audit"
      if (frame ~ /^software\.amazon\.awssdk\./) return "an AWS SDK call"
      if (frame ~ /^org\.hibernate\./) return "Hibernate"
      if (frame ~ /^com\.nimbusds\.|JwtDecoder\./) return "JWT decoding and checks"
      if (frame ~ /^io\.keyport\.wrapping\./) return "wrapping"
      if (frame ~ /^org\.springframework\.boot\.loader\./) return "class loading from the jar"
      return ""
    }
    /^jdk\.ExecutionSample/ { inside = 1; delete seen; charged = ""; next }
    inside && /^}/ {
      samples++; for (a in seen) hits[a]++; own[(charged == "") ? "JDK only (threads, GC, I/O)" : charged]++
      inside = 0; next
    }
    inside && /line:|\)$/ && $1 ~ /\(/ {
      frame = $1
      w = within(frame); if (w != "") seen[w] = 1
      if (charged == "" && frame !~ /^(java|javax|jdk|sun|com\.sun)\./) {
        charged = area(frame)
        if (charged == "") { n = split(frame, parts, "."); charged = "other: " parts[1] "." parts[2] }
      }
    }
    END {
      printf "%d execution samples\n\nBy area (innermost non-JDK frame; adds up to 100%%):\n", samples
      for (a in own) printf "%5.1f%%  %s\n", 100 * own[a] / samples, a | "sort -rn"
      close("sort -rn")
      printf "\nSamples with this on the stack (overlapping):\n"
      for (a in hits) printf "%5.1f%%  %s\n", 100 * hits[a] / samples, a | "sort -rn"
      close("sort -rn")
    }
  ' "$1"
}

keyport_pid=""
driver_pid=""
pgdata=""
cleanup() {
  local status=$?
  set +e
  for pid in "$keyport_pid" "$driver_pid"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null
    fi
  done
  if [ -n "$pgdata" ] && [ -f "$pgdata/postmaster.pid" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null
  fi
  [ -n "$pgdata" ] && rm -rf "$pgdata"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the packaged jar as released, and the test classes (driver, emulator, authorization server); BENCH_SKIP_BUILD=1
# reuses the last build
[ -n "${BENCH_SKIP_BUILD:-}" ] || ./mvnw -B -ntp -q -DskipTests package
rm -rf "$out"
mkdir -p "$out/postgres"
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt"
jar="$(ls target/keyport-*.jar | grep -v -- '-plain\.jar$' | head -1)"

# Keyport as the image holds it (Dockerfile): the jar extracted by layers into one directory (keyport.jar and lib/),
# and the AOT cache written by the same training run, with the same JVM flags
[ "$(java_major java)" -ge 25 ] || { echo "The image's start (AOT cache) needs JDK 25+ (set JAVA_HOME)" >&2; exit 1; }
app="$PWD/$out/app"
java -Djarmode=tools -jar "$jar" extract --layers --destination "$out/extracted" --application-filename keyport.jar
mkdir -p "$app"
for layer in dependencies spring-boot-loader snapshot-dependencies application; do
  cp -R "$out/extracted/$layer/." "$app/"
done
training_start_ns="$(date +%s%N)"
JAVA_TOOL_OPTIONS="$keyport_java_opts" sh docker/aot-cache.sh "$app" >"$out/aot-training.log" 2>&1 \
  || { echo "AOT cache training run failed:" >&2; tail -30 "$out/aot-training.log" >&2; exit 1; }
training_seconds="$(awk -v a="$training_start_ns" -v b="$(date +%s%N)" 'BEGIN { printf "%.0f", (b - a) / 1e9 }')"
echo "AOT cache: $(du -m "$app/keyport.aot" | cut -f1) MB, trained in $training_seconds s"

# PostgreSQL 15: a fresh cluster under target/, passwords required, pg_stat_statements for the statement counts
pgdata="$PWD/$out/pgdata"
pg_port="$(free_port)"
mkdir -p "$pgdata"
superuser_password="benchmark-$RANDOM$RANDOM"
printf '%s\n' "$superuser_password" >"$out/pgpass"
chmod 600 "$out/pgpass"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$pgdata" "$out/pgpass" "$out/postgres"; fi
as_postgres "$pg_bin/initdb" -D "$pgdata" -U postgres --pwfile="$PWD/$out/pgpass" --auth=scram-sha-256 \
  --no-locale -E UTF8 >"$out/initdb.log"
rm -f "$out/pgpass"
as_postgres "$pg_bin/pg_ctl" -D "$pgdata" -l "$PWD/$out/postgres/postgres.log" -w -o "-p $pg_port -k $pgdata \
  -c listen_addresses=127.0.0.1 -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=top" \
  start >/dev/null
psql_admin() { PGPASSWORD="$superuser_password" "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qAt -v ON_ERROR_STOP=1 "$@"; }
psql_admin -d postgres -c "create role keyport login password 'keyport-benchmark'"
# a fresh database for every start: each start migrates the whole schema, as the first start of a release does
fresh_database() {
  psql_admin -d postgres -c "set client_min_messages = warning" -c "drop database if exists keyport" \
    -c "create database keyport owner keyport"
  psql_admin -d keyport -c "create extension pg_stat_statements"
}
fresh_database
pg_version="$(psql_admin -d keyport -c 'show server_version')"

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# the driver: KMS emulator and authorization server first, the load once Keyport is ready (in startup mode it only
# serves the emulator and the issuer, and is stopped at the end)
keyport_port="$(free_port)"
keyport_url="http://127.0.0.1:$keyport_port"
driver_modes="$modes"
[ "$modes" != startup ] || driver_modes=keyport
java -cp "target/test-classes:target/classes:$(cat "$out/classpath.txt")" io.keyport.benchmark.ImportBenchmark \
  --dir="$out" --keyport="$keyport_url" --imports="$imports" --warmup="$warmup" --settle-block="$settle_block" \
  --settle-max="$settle_max" --settle-share="$settle_share" \
  --rounds="$rounds" --latencies-ms="$latencies" --clients="$clients" --modes="$driver_modes" \
  --jdbc-url="jdbc:postgresql://127.0.0.1:$pg_port/keyport" --jdbc-user=postgres \
  --jdbc-password="$superuser_password" --app-role=keyport --clock-ticks="$(getconf CLK_TCK)" \
  --go-timeout-seconds=3600 >"$out/driver.log" 2>&1 &
driver_pid=$!
for _ in $(seq 1200); do
  [ -f "$out/endpoints.env" ] && break
  kill -0 "$driver_pid" 2>/dev/null || { echo "driver ended early:" >&2; tail -30 "$out/driver.log" >&2; exit 1; }
  sleep 0.1
done
[ -f "$out/endpoints.env" ] || { echo "driver wrote no endpoints" >&2; exit 1; }
# shellcheck disable=SC1090,SC1091
. "$out/endpoints.env"

# Starts Keyport (start_keyport <log> <JVM flags> <java arguments...>) as an operator configures it: environment only.
# The request-rate and KMS-quota limits are raised far above what the load reaches, so that they do not decide the
# result (see docs/performance.md). Waits for readiness and sets keyport_pid, startup_seconds (process start to
# readiness UP), spring_started, startup_cpu and rss_idle_kb.
start_keyport() {
  local log="$1" java_opts="$2"
  shift 2
  local start_ns ready_ns ready=""
  start_ns="$(date +%s%N)"
  env SERVER_PORT="$keyport_port" \
    SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$pg_port/keyport" \
    SPRING_DATASOURCE_USERNAME=keyport SPRING_DATASOURCE_PASSWORD=keyport-benchmark \
    SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI="$ISSUER_URI" \
    AWS_REGION="$KMS_REGION" AWS_ENDPOINT_URL_KMS="$KMS_ENDPOINT" \
    AWS_ACCESS_KEY_ID=AKIABENCHMARKKEYPORT AWS_SECRET_ACCESS_KEY=benchmark \
    KEYPORT_SECURITY_REQUESTSPERSECOND=0 \
    KEYPORT_KMS_RATELIMITS_GETPARAMETERSFORIMPORT=1000 KEYPORT_KMS_RATELIMITS_IMPORTKEYMATERIAL=1000 \
    KEYPORT_KMS_RATELIMITS_DESCRIBEKEY=1000 KEYPORT_KMS_RATELIMITS_OTHER=1000 \
    KEYPORT_KMS_RATELIMITS_SCHEDULERSHARE=0 KEYPORT_KMS_RATELIMITS_TENANTSHARE=1 KEYPORT_KMS_RATELIMITS_TENANTBURST=1000 \
    JAVA_TOOL_OPTIONS="$java_opts" MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" \
    java "$@" >"$log" 2>&1 &
  keyport_pid=$!
  for _ in $(seq 1800); do
    if curl -fsS -m 2 "$keyport_url/actuator/health/readiness" 2>/dev/null | grep -q '"UP"'; then ready=yes; break; fi
    kill -0 "$keyport_pid" 2>/dev/null || { echo "Keyport ended early:" >&2; tail -30 "$log" >&2; exit 1; }
    sleep 0.1
  done
  ready_ns="$(date +%s%N)"
  [ -n "$ready" ] || { echo "Keyport not ready within 180 s" >&2; tail -30 "$log" >&2; exit 1; }
  if grep -q 'Unable to map shared spaces\|AOT cache.*mismatch' "$log"; then
    echo "warning: the JVM refused the AOT cache (see $log)" >&2
  fi
  startup_seconds="$(awk -v a="$start_ns" -v b="$ready_ns" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
  spring_started="$(sed -n 's/.*Started [A-Za-z]* in \([0-9.]*\) seconds.*/\1/p' "$log" | head -1)"
  rss_idle_kb="$(awk '/^VmRSS:/ {print $2}' "/proc/$keyport_pid/status")"
  # user + system CPU seconds to readiness (fields 14 and 15 after the parenthesised command name): steadier than the
  # wall time where other work shares the cores
  startup_cpu="$(sed 's/.*) //' "/proc/$keyport_pid/stat" | awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($12 + $13) / hz }')"
}

stop_keyport() {
  kill "$keyport_pid"
  for _ in $(seq 300); do kill -0 "$keyport_pid" 2>/dev/null || break; sleep 0.1; done
  keyport_pid=""
}

# how Keyport starts: the image's way, the same without the AOT cache, and plain `java -jar` with the old flags
image_start=(-XX:AOTCache="$app/keyport.aot" -jar "$app/keyport.jar")
extracted_start=(-jar "$app/keyport.jar")
reference_start=(-jar "$jar")

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

if [ "$modes" = startup ]; then
  # the variants in turn, so that each sees the same machine; a fresh database for each start
  : >"$out/startups.tsv"
  for run in $(seq "$startup_runs"); do
    for variant in image extracted reference; do
      fresh_database
      case "$variant" in
        image) start_keyport "$out/keyport-$variant-$run.log" "$keyport_java_opts" "${image_start[@]}" ;;
        extracted) start_keyport "$out/keyport-$variant-$run.log" "$keyport_java_opts" "${extracted_start[@]}" ;;
        reference) start_keyport "$out/keyport-$variant-$run.log" "$reference_java_opts" "${reference_start[@]}" ;;
      esac
      printf '%s\t%s\t%s\t%s\t%s\n' "$variant" "$startup_seconds" "${spring_started:-0}" "$startup_cpu" \
        "$((rss_idle_kb / 1024))" | tee -a "$out/startups.tsv"
      stop_keyport
    done
  done
  load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "CPU: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) cores;" \
    "load average before/after: $load_before / $load_after"
  echo "Java: $(java -version 2>&1 | head -1); PostgreSQL $pg_version; $startup_runs starts per variant (median)"
  echo "image and extracted: $keyport_java_opts; reference: $reference_java_opts"
  echo
  figure() { awk -F'\t' -v v="$1" -v c="$2" '$1 == v { print $c }' "$out/startups.tsv" | median; }
  {
    echo "| Keyport startup (median of $startup_runs) | image: extracted + AOT cache | extracted, no AOT cache | reference: java -jar, old flags | goal |"
    echo "|---|---:|---:|---:|---:|"
    echo "| process start to readiness UP | $(figure image 2) s | $(figure extracted 2) s | $(figure reference 2) s | ≤ 10 s |"
    echo "| Spring Boot's \"Started ... in\" | $(figure image 3) s | $(figure extracted 3) s | $(figure reference 3) s | |"
    echo "| CPU time (user + system) to readiness | $(figure image 4) s | $(figure extracted 4) s | $(figure reference 4) s | |"
    echo "| RSS when ready | $(figure image 5) MB | $(figure extracted 5) MB | $(figure reference 5) MB | |"
  } | tee "$out/table.md"
  echo
  echo "Raw output: $out/ (startups.tsv, keyport-<variant>-<run>.log, aot-training.log)"
  exit 0
fi

# the image's start, with the GC log (a log adds no work to speak of) for the pauses under load
start_keyport "$out/keyport.log" "$keyport_java_opts${nmt:+ -XX:NativeMemoryTracking=summary -XX:CompileCommand=quiet -XX:CompileCommand=memstat,*.*}" \
  -Xlog:gc:file="$PWD/$out/gc.log" "${image_start[@]}"

if [ -n "$profile" ]; then
  jcmd "$keyport_pid" JFR.start name=benchmark settings=profile filename="$PWD/$out/keyport.jfr" >/dev/null
fi
echo "$keyport_pid" >"$out/keyport.pid"
load_start_ns="$(date +%s%N)"
touch "$out/go"
# progress: the driver's cell lines and tables
tail -n +1 -f --pid="$driver_pid" "$out/driver.log" | grep --line-buffered -E '^(Cell |Warm-up|\||KMS calls)' || true
wait "$driver_pid" || { driver_pid=""; echo "driver failed:" >&2; tail -30 "$out/driver.log" >&2; exit 1; }
driver_pid=""
load_seconds="$(awk -v a="$load_start_ns" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')"
rss_kb="$(awk '/^VmRSS:/ {print $2}' "/proc/$keyport_pid/status")"
rss_anon_kb="$(awk '/^RssAnon:/ {print $2}' "/proc/$keyport_pid/status")"
rss_file_kb="$(awk '/^RssFile:/ {print $2}' "/proc/$keyport_pid/status")"
hwm_kb="$(awk '/^VmHWM:/ {print $2}' "/proc/$keyport_pid/status")"
if [ -n "$nmt" ]; then
  jcmd "$keyport_pid" VM.native_memory summary scale=MB >"$out/nmt.txt"
  # the JIT compilations that needed the most memory (NMT's Compiler peak is the largest one)
  jcmd "$keyport_pid" Compiler.memory verbose >"$out/compiler-memory.txt" 2>&1 || true
  cp "/proc/$keyport_pid/smaps" "$out/smaps.txt"
  # how much of the C heap glibc could give back (it prints RSS before and after); after the figures above
  jcmd "$keyport_pid" System.trim_native_heap >"$out/trim.txt" 2>&1 || true
fi
heap="$(jcmd "$keyport_pid" GC.heap_info 2>/dev/null | grep -E " total [0-9]+K" | tr -s " " | tr "\n" ";")"
# a class histogram forces a full GC: only after the RSS above was read
[ -z "$nmt" ] || jcmd "$keyport_pid" GC.class_histogram >"$out/histogram.txt"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
# GC pauses after readiness (JVM uptime stamps; the JVM starts a few ms after the process), against the load's wall time
gc_load="$(awk -v from="$startup_seconds" -v wall="$load_seconds" '
  /Pause/ { split($1, stamp, "]"); t = substr(stamp[1], 2); sub(/s$/, "", t); ms = $NF; sub(/ms$/, "", ms)
            if (t + 0 >= from + 0) { n++; total += ms; if (ms + 0 > max) max = ms + 0 } }
  END { printf "%d pauses, %.0f ms in all (%.1f %% of %.0f s), longest %.1f ms", n, total, total / wall / 10, wall, max }
' "$out/gc.log")"

if [ -n "$profile" ]; then
  jcmd "$keyport_pid" JFR.stop name=benchmark >/dev/null
  jfr summary "$out/keyport.jfr" >"$out/jfr-summary.txt"
  jfr view --width 200 hot-methods "$out/keyport.jfr" >"$out/jfr-hot-methods.txt"
  jfr print --events jdk.ExecutionSample --stack-depth 512 "$out/keyport.jfr" >"$out/jfr-execution-samples.txt"
  jfr_areas "$out/jfr-execution-samples.txt" >"$out/jfr-areas.txt"
fi

echo
echo "CPU: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) cores;" \
  "load average before/after: $load_before / $load_after"
echo "Java: $(java -version 2>&1 | head -1); Keyport JVM flags: $keyport_java_opts; PostgreSQL $pg_version"
echo "Imports per mode and cell: $imports in $rounds alternating blocks, after $warmup warm-up; before the first cell, until the JIT compilers settled:"
grep '^Warm-up' "$out/driver.log" || true
echo
{
  echo "| Keyport (extracted jar, AOT cache, the image's flags) | measured | goal |"
  echo "|---|---:|---:|"
  echo "| startup: process start to readiness UP | $startup_seconds s | ≤ 10 s |"
  echo "| CPU time (user + system) to readiness | $startup_cpu s | |"
  echo "| Spring Boot's \"Started ... in\" | ${spring_started:-?} s | |"
  echo "| RSS when ready | $((rss_idle_kb / 1024)) MB | |"
  echo "| RSS after the load (anonymous + file-backed) | $((rss_kb / 1024)) MB ($((rss_anon_kb / 1024)) + $((rss_file_kb / 1024))) | ≤ 400 MB |"
  echo "| peak RSS (VmHWM) | $((hwm_kb / 1024)) MB | |"
  echo "| GC pauses during the load | $gc_load | |"
  echo
  echo "Heap after the load: $heap"
  echo
  cat "$out/results.md"
} | tee "$out/table.md"
echo
echo "Raw output: $out/ (driver.log, keyport.log, gc.log, statements.md${profile:+, jfr-*.txt, keyport.jfr}${nmt:+, nmt.txt, compiler-memory.txt, smaps.txt, histogram.txt})"
