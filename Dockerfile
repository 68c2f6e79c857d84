# syntax=docker/dockerfile:1.7
#
# Keyport container image: docker build -t keyport:dev .
#
# Base images are referenced by tag; CI should pin them by digest
# (--build-arg JRE_IMAGE=eclipse-temurin:25-jre-noble@sha256:...) so a rebuild is reproducible and base updates arrive
# as reviewed changes.
# Runtime base: Temurin JRE on Ubuntu Noble. glibc (no musl surprises with DNS or native code, unlike -alpine), regular
# Canonical security updates, the same distribution as the build stage, and it has bash for the HEALTHCHECK below.
ARG JDK_IMAGE=eclipse-temurin:25-jdk-noble
ARG JRE_IMAGE=eclipse-temurin:25-jre-noble

FROM ${JDK_IMAGE} AS build
WORKDIR /workspace
# Build definition first: the dependency download below stays cached until pom.xml or the wrapper changes.
COPY --chmod=0755 mvnw ./
COPY .mvn/ .mvn/
COPY pom.xml ./
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp dependency:go-offline
COPY src/main/ src/main/
# Tests run in CI (./mvnw verify), not in the image build; the .dockerignore keeps src/test out of the context anyway,
# so nothing of the test build runs here (codegen.skip: the test client's generator reads openapi/, not in the
# context). Extracted as keyport.jar plus lib/*.jar, without the launcher: the JVM's AOT cache below only covers
# classes loaded from jar files on the class path, not the launcher's nested jars.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -Dmaven.test.skip=true -Dcodegen.skip=true package \
 && java -Djarmode=tools -jar target/keyport-*.jar extract --layers --destination /workspace/extracted \
      --application-filename keyport.jar

FROM ${JRE_IMAGE}
ARG VERSION=0.1.0-SNAPSHOT
LABEL org.opencontainers.image.title="keyport" \
      org.opencontainers.image.description="BYOK key-material imports into AWS KMS as a service" \
      org.opencontainers.image.version="${VERSION}"

# Fixed numeric IDs: Kubernetes can only verify runAsNonRoot for a numeric user, and the chart's securityContext uses
# the same numbers. No home directory: nothing may be written outside /tmp.
RUN groupadd --system --gid 10001 keyport \
 && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin keyport

WORKDIR /app
# One layer per Spring Boot layer, least to most often changed: a code change only ships the last one (and the AOT
# cache). Files stay owned by root, so the application cannot modify its own code even where the root filesystem is
# writable. (The spring-boot-loader layer is empty without the launcher; it stays for the layer order.)
COPY --from=build /workspace/extracted/dependencies/ ./
COPY --from=build /workspace/extracted/spring-boot-loader/ ./
COPY --from=build /workspace/extracted/snapshot-dependencies/ ./
COPY --from=build /workspace/extracted/application/ ./
COPY --chmod=0555 docker/healthcheck.sh /usr/local/bin/keyport-healthcheck

# JVM flags, the same in the chart's jvm.options and scripts/benchmark-import.sh (there with -XX:MaxRAM=768m standing
# in for the chart's 768Mi limit); setting JAVA_TOOL_OPTIONS at run time replaces them, so repeat them when adding one.
# - Serial GC: what the JVM picks by itself below 2 CPUs or 1792 MB (so in the chart's 768Mi pod anyway); pinned so
#   the pod, the AOT cache's training run and the benchmark use one GC whatever the machine. A live set of about
#   50 MB needs no concurrent collector: young pauses of about 10 ms every few seconds under load, under 1 % of the
#   time (docs/performance.md), and none of G1's remembered sets and card tables (40 MB).
# - Heap at most 50 % of the memory limit (384 MB of 768Mi): metaspace, code cache, AOT cache and threads need about
#   250 MB beside it, so 75 % could outgrow the limit and be OOM-killed; 12.5 % initially (no startup GC storm).
# - Young generation a quarter of the heap instead of a third (NewRatio 3): eden is touched whole between collections,
#   so it is resident; about 13 MB less RSS under load for young pauses (some 7 ms each) a third more often.
# - Metaspace GC threshold 64 MB (not a limit): with the AOT cache Keyport's metaspace stays near 30 MB, so the full
#   GC the default 21 MB threshold caused after startup (a 0.3 s pause that also grew the heap by 26 MB) is gone.
# - Compact object headers (JDK 25): 8 instead of 12 bytes per object header, a smaller heap for the same objects.
#   The AOT cache below is only usable with the same setting (and refused, with a logged error, without it).
# - The C heap is trimmed every 5 s: glibc keeps what the JIT compilers and Spring freed (malloc_trim gave back 38 MB
#   after a load), and periodic trimming kept 18 MB less resident in steady state, at a few ms of a background thread
#   each time.
# - An OutOfMemoryError ends the process so the orchestrator restarts it instead of leaving a half-working JVM.
# - The JDK's PKCS#11 binding (module jdk.crypto.cryptoki) is exported to Keyport for a pkcs11 custodian, which wraps
#   inside the HSM through it (the JDK's SunPKCS11 Cipher has no RSA OAEP); with these flags the AOT cache keeps the
#   full module graph.
# - Tomcat's work directory and other temporary files go to /tmp, the only writable path with a read-only root
#   filesystem.
# glibc's malloc keeps up to 8 arenas per core for native allocations (JIT compiler, NIO buffers, threads); two keep
# about 10 MB less resident after a load (docs/performance.md). The chart's jvm.mallocArenaMax and the benchmark agree.
ENV MALLOC_ARENA_MAX=2
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -XX:MaxRAMPercentage=50 -XX:InitialRAMPercentage=12.5 -XX:NewRatio=3 -XX:MetaspaceSize=64m -XX:+UseCompactObjectHeaders -XX:+ExitOnOutOfMemoryError -XX:TrimNativeHeapInterval=5000 --add-modules=jdk.crypto.cryptoki --add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED -Djava.io.tmpdir=/tmp"
# AOT cache of the classes a start loads and links (JDK 25, JEP 483/514/515), written by a training run against this
# image's JVM and jars with the flags above: start-up needs about half the CPU time. No database or network is
# needed (docker/aot-cache.sh). It is rebuilt with every image; a cache that does not match the JVM, the jars or the
# object-header setting is refused with a logged error, and Keyport starts without it.
# The training run's temporary files (Tomcat's work directory, hsperfdata) are not shipped.
RUN --mount=type=bind,source=docker/aot-cache.sh,target=/usr/local/lib/keyport-aot-cache.sh \
    sh /usr/local/lib/keyport-aot-cache.sh /app \
 && find /tmp -mindepth 1 -delete
# Writable scratch space even under `docker run --read-only`; Compose mounts a tmpfs and Kubernetes an emptyDir here.
VOLUME ["/tmp"]

USER 10001:10001
EXPOSE 8080

# Liveness only (is the JVM serving?): readiness depends on PostgreSQL and is the orchestrator's business. The JRE image
# has no curl or wget, so the check speaks HTTP over bash's /dev/tcp (no JVM start per check).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --start-interval=5s --retries=3 CMD ["keyport-healthcheck"]

# Exec form: java is PID 1 and receives SIGTERM directly, so Spring Boot's graceful shutdown runs. The base image's
# CA-import entrypoint is replaced on purpose (it writes to the JDK's cacerts, impossible as non-root on a read-only
# filesystem); mount a truststore and set -Djavax.net.ssl.trustStore instead.
ENTRYPOINT ["java", "-XX:AOTCache=/app/keyport.aot", "-jar", "/app/keyport.jar"]
