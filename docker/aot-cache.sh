#!/bin/sh
# Creates the JDK AOT cache (JEP 483/514/515) of an extracted Keyport jar by a training run: the application starts
# until its context is refreshed (spring.context.exit=onRefresh: every singleton built, nothing started, no request
# served) and the JVM writes the classes it loaded and linked, with profiles, to <dir>/keyport.aot. Production runs
# `java -XX:AOTCache=<dir>/keyport.aot -jar <dir>/keyport.jar` and skips most class loading, verification and linking.
#
# Used by the Dockerfile (in the runtime stage, so the cache matches the image's JVM) and by
# scripts/benchmark-import.sh, so the benchmark starts Keyport the way the image does.
#
# The cache is valid only for the same JVM build, the same jar files (path, size, modification time) and the same
# compressed-oops and object-header flags; the run takes JAVA_TOOL_OPTIONS as production sets them (the image's ENV,
# the chart's jvm.options), GC included. A cache that does not match is refused with a logged error and the JVM
# starts without it (slower, never broken).
#
# No database, issuer or KMS is needed: Flyway is off for the run, Hibernate picks its PostgreSQL dialect without
# JDBC metadata and validates nothing, nothing connects to the (unreachable) addresses below: the JWT issuer is
# contacted at the first token and KMS at the first call, neither during startup. Classes used only then (Flyway's
# migration, the JDBC connection) are loaded from the jars as usual.
#
# Usage: aot-cache.sh <directory holding keyport.jar and lib/>
set -eu
dir="${1:?usage: aot-cache.sh <directory holding keyport.jar and lib/>}"
rm -f "$dir/keyport.aot"
if ! env AWS_REGION=us-east-1 \
  SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:9/training \
  SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI=http://127.0.0.1:9/training \
  SPRING_FLYWAY_ENABLED=false \
  SPRING_JPA_HIBERNATE_DDLAUTO=none \
  java -XX:AOTCacheOutput="$dir/keyport.aot" \
  -Dspring.context.exit=onRefresh \
  -Dspring.jpa.properties.hibernate.boot.allow_jdbc_metadata_access=false \
  -Dspring.jpa.properties.jakarta.persistence.database-product-name=PostgreSQL \
  -jar "$dir/keyport.jar"; then
  # a failed training run still writes a cache of what it loaded until then: not worth keeping
  rm -f "$dir/keyport.aot"
  echo "AOT cache training run failed" >&2
  exit 1
fi
[ -s "$dir/keyport.aot" ] || { echo "no AOT cache written to $dir/keyport.aot" >&2; exit 1; }
