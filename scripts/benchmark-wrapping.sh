#!/usr/bin/env bash
# Wrapping throughput on one core: Keyport (JMH, io.keyport.benchmark.WrappingBenchmark) against OpenSSL's RSA
# public-key operation on the same machine, run back to back. Prints a markdown table of the ratios.
#
# Defaults take about five minutes. Longer, steadier runs:
#   BENCH_WARMUP_ITERATIONS=5 BENCH_ITERATIONS=10 BENCH_TIME=5s BENCH_FORKS=2 scripts/benchmark-wrapping.sh
# Extra JMH arguments, for example one material only: BENCH_JMH_ARGS='-p keySpec=ECC_NIST_P256'
set -euo pipefail
cd "$(dirname "$0")/.."

warmup_iterations="${BENCH_WARMUP_ITERATIONS:-2}"
iterations="${BENCH_ITERATIONS:-3}"
warmup_time="${BENCH_WARMUP_TIME:-2s}"
measurement_time="${BENCH_TIME:-2s}"
forks="${BENCH_FORKS:-1}"
openssl_seconds="${BENCH_OPENSSL_SECONDS:-3}"
openssl="${OPENSSL:-openssl}"
out=target/benchmark

. scripts/lib/select-jdk.sh
command -v "$openssl" >/dev/null || { echo "openssl not found (set OPENSSL)" >&2; exit 1; }
echo "Using JAVA_HOME=$JAVA_HOME"

# test-compile runs the JMH annotation processor, which writes the harness and META-INF/BenchmarkList
./mvnw -B -ntp -q test-compile
mkdir -p "$out"
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt"

load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"

# -t 1: one benchmark thread, to compare with one OpenSSL process; LC_ALL=C keeps numbers parseable
LC_ALL=C java -cp "target/test-classes:target/classes:$(cat "$out/classpath.txt")" org.openjdk.jmh.Main \
  'io\.keyport\.benchmark\.WrappingBenchmark\.' -bm thrpt -tu s -t 1 -f "$forks" \
  -wi "$warmup_iterations" -i "$iterations" -w "$warmup_time" -r "$measurement_time" \
  -rf csv -rff "$out/jmh.csv" ${BENCH_JMH_ARGS:-} | tee "$out/jmh.log"

# straight after JMH, so both see about the same machine load; one process, no -multi
"$openssl" speed -seconds "$openssl_seconds" rsa2048 rsa3072 rsa4096 >"$out/openssl.txt" 2>&1

load_after="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"

# OpenSSL's RSA table: one header of column names, then "rsa <bits> bits" and one value per name. The public-key
# operation is encr./s or encrypt/s where the version measures RSA encryption, else verify/s (3.0 has only that).
awk '
  /sign\/s/ && /verify\/s/ { n = split($0, names); column = 0
    for (i = 1; i <= n; i++) if (names[i] == "encr./s" || names[i] == "encrypt/s") column = i
    if (!column) for (i = 1; i <= n; i++) if (names[i] == "verify/s") column = i
    next }
  column && $1 == "rsa" && $3 == "bits" { print "RSA_" $2, $(3 + column), names[column] }
' "$out/openssl.txt" >"$out/openssl-public-ops.txt"
if [ "$(wc -l <"$out/openssl-public-ops.txt")" -ne 3 ]; then
  echo "Could not read RSA public-key rates from 'openssl speed' output ($out/openssl.txt):" >&2
  cat "$out/openssl.txt" >&2
  exit 1
fi

echo
echo "CPU: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown), $(nproc 2>/dev/null || echo '?') cores;" \
  "load average before/after: $load_before / $load_after"
echo "Java: $(java -version 2>&1 | head -1); OpenSSL: $("$openssl" version);" \
  "OpenSSL column: $(awk 'NR == 1 {print $3}' "$out/openssl-public-ops.txt")"
echo "JMH: -t 1 -f $forks -wi $warmup_iterations -w $warmup_time -i $iterations -r $measurement_time ${BENCH_JMH_ARGS:-}"
echo
# Best measurement iteration per cell, from the log: on a shared machine other load only ever lowers throughput, so
# the best iteration is the steadier figure and the mean the conservative one.
awk '
  /^# Parameters: / { material = "SYMMETRIC_DEFAULT"; n = split($0, parts, /[(), =]+/)
    for (i = 3; i < n; i += 2) {
      if (parts[i] == "algorithm") algorithm = parts[i + 1]
      if (parts[i] == "keySpec") material = parts[i + 1]
      if (parts[i] == "wrappingKeySpec") key = parts[i + 1]
    }
    cell = algorithm " " material " " key }
  /^Iteration +[0-9]+: / && ($3 + 0) > best[cell] { best[cell] = $3 + 0 }
  END { for (cell in best) print cell, best[cell] }
' "$out/jmh.log" >"$out/jmh-best.txt"

{
  echo "| Algorithm | Material | Wrapping key | Keyport wraps/s (mean ± 99.9%) | best iteration | OpenSSL RSA public ops/s | Ratio (mean) | Ratio (best) |"
  echo "|---|---|---|---:|---:|---:|---:|---:|"
  # rows keyed for sort: OAEP before AES key wrap, EC before RSA material, SHA-1 before SHA-256, then key size
  awk '
    FILENAME == ARGV[1] { openssl[$1] = $2; next }
    FILENAME == ARGV[2] { best[$1 " " $2 " " $3] = $4; next }
    { sub(/\r$/, "") }  # JMH writes its CSV with CRLF line ends
    FNR == 1 { for (i = 1; i <= NF; i++) { gsub(/"/, "", $i); column[$i] = i }; next }
    {
      for (i = 1; i <= NF; i++) gsub(/"/, "", $i)
      algorithm = $column["Param: algorithm"]; key = $column["Param: wrappingKeySpec"]
      material = ("Param: keySpec" in column && $column["Param: keySpec"] != "") ? $column["Param: keySpec"] \
          : "SYMMETRIC_DEFAULT"
      score = $column["Score"]; error = $column["Score Error (99.9%)"]; top = best[algorithm " " material " " key]
      order = (algorithm ~ /^RSAES/ ? 0 : 1) (material == "RSA_2048" ? 1 : 0) (algorithm ~ /SHA_256$/ ? 1 : 0) key
      printf "%s\t| %s | %s | %s | %.0f %s | %.0f | %.0f | %.0f%% | %.0f%% |\n", order, algorithm, material, key,
          score, (error == "NaN" ? "" : sprintf("± %.0f", error)), top, openssl[key], 100 * score / openssl[key],
          100 * top / openssl[key]
    }
  ' "$out/openssl-public-ops.txt" "$out/jmh-best.txt" FS=, "$out/jmh.csv" | LC_ALL=C sort | cut -f2-
} | tee "$out/table.md"
echo
echo "Raw output: $out/jmh.log, $out/openssl.txt; table: $out/table.md"
