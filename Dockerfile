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
# Tests run in CI (./mvnw verify), not in the image build; the .dockerignore keeps src/test out of the context anyway.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -ntp -DskipTests package \
 && java -Djarmode=tools -jar target/keyport-*.jar extract --layers --launcher --destination /workspace/extracted

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
# One layer per Spring Boot layer, least to most often changed: a code change only ships the last one. Files stay owned
# by root, so the application cannot modify its own code even where the root filesystem is writable.
COPY --from=build /workspace/extracted/dependencies/ ./
COPY --from=build /workspace/extracted/spring-boot-loader/ ./
COPY --from=build /workspace/extracted/snapshot-dependencies/ ./
COPY --from=build /workspace/extracted/application/ ./
COPY --chmod=0555 docker/healthcheck.sh /usr/local/bin/keyport-healthcheck

# Heap sized from the container's memory limit (the rest is metaspace, threads, code cache and direct buffers); an
# OutOfMemoryError ends the process so the orchestrator restarts it instead of leaving a half-working JVM. Tomcat's work
# directory and other temporary files go to /tmp, the only writable path with a read-only root filesystem.
# Setting JAVA_TOOL_OPTIONS at run time replaces these defaults: repeat them when adding flags.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
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
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
