# Sourced by the benchmark scripts: they run `java` themselves, which must be 21+ (Maven finds its own JDK 21+
# through the toolchains plugin). Keeps a JAVA_HOME of 21+, else takes the first JDK 21+ installed in a usual place.
# 0 for a path that runs no java, so a stale JAVA_HOME is replaced instead of failing the comparison
java_major() {
  { "$1" -version 2>&1 || true; } | awk -F'"' '/version/ {split($2, v, "."); print v[1]; found = 1; exit} END {if (!found) print 0}'
}
if [ -z "${JAVA_HOME:-}" ] || [ "$(java_major "$JAVA_HOME/bin/java")" -lt 21 ] 2>/dev/null; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
    if [ -x "$candidate/bin/java" ]; then export JAVA_HOME="$candidate"; break; fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || [ "$(java_major "$JAVA_HOME/bin/java")" -lt 21 ]; then
  echo "No JDK >= 21 found (set JAVA_HOME)" >&2
  exit 1
fi
export PATH="$JAVA_HOME/bin:$PATH"
