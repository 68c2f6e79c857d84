#!/usr/bin/env bash
# Lints the committed OpenAPI document with Redocly's recommended ruleset (needs npm; the
# Maven build does not run it). Expected: no errors, no warnings.
set -euo pipefail
cd "$(dirname "$0")/.."
npx -y @redocly/cli@latest lint openapi/keyport-v1.json --extends=recommended "$@"
