#!/usr/bin/env bash
# Lints the control API's OpenAPI document (docs/openapi.yaml) with Redocly CLI, pinned to one exact version and
# fetched from the npm registry by npx, under its recommended-strict rules: every warning of the recommended set
# is an error, so the goal of 0 errors and 0 warnings (issue 26) is a failing exit otherwise. .ci/run calls it.
# Without node and npx it says so and skips.
#   tools/openapi-lint.sh
set -euo pipefail
REDOCLY_CLI_VERSION=2.77.0
repo=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v node >/dev/null || ! command -v npx >/dev/null; then
  echo "openapi-lint: skipped: node and npx are needed (apt-get install -y nodejs npm), docs/openapi.yaml was not linted"
  exit 0
fi
cd "$repo"
echo "openapi-lint: @redocly/cli@$REDOCLY_CLI_VERSION lint --extends=recommended-strict docs/openapi.yaml"
NO_UPDATE_NOTIFIER=1 REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  npx --yes "@redocly/cli@$REDOCLY_CLI_VERSION" lint --extends=recommended-strict docs/openapi.yaml
