#!/bin/bash
# Container HEALTHCHECK for Keyport: GET the liveness group and succeed on HTTP 200 only. The Helm chart's test pod
# reuses it against the Service (KEYPORT_HEALTHCHECK_HOST, _PATH).
# Bash builtins only (/dev/tcp, printf, read): the JRE base image ships neither curl nor wget, and no child process is
# left behind for PID 1 (java) to reap.
set -u
host="${KEYPORT_HEALTHCHECK_HOST:-127.0.0.1}"
port="${KEYPORT_HEALTHCHECK_PORT:-${MANAGEMENT_SERVER_PORT:-${SERVER_PORT:-8080}}}"
path="${KEYPORT_HEALTHCHECK_PATH:-/actuator/health/liveness}"

exec 3<>"/dev/tcp/${host}/${port}" || exit 1
printf 'GET %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\nConnection: close\r\n\r\n' "$path" "$host" >&3
IFS= read -r -t 5 status <&3 || exit 1
exec 3<&-
[[ $status == "HTTP/1.1 200"* ]]
