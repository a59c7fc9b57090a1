#!/usr/bin/env bash
# Installs the client into a fresh virtual environment (as an agent would: pip install ./clients/python) and
# runs its tests against the jar the Maven build left in target/. Run from anywhere, after ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=""
for candidate in python3.9 python3 python; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 9))' 2>/dev/null; then
        python="$candidate"; break
    fi
done
[ -n "$python" ] || { echo "python-client: no Python 3.9+ found"; exit 1; }
venv=target/python-client-venv
rm -rf "$venv"
"$python" -m venv "$venv"
# The build backend comes from the package index; where none can be reached, the interpreter's own setuptools.
"$venv/bin/python" -m pip install -q --no-deps ./clients/python \
    || "$venv/bin/python" -m pip install -q --no-deps --no-build-isolation ./clients/python
# From the repository root, clients/python/src is not on the path: the tests use the installed package.
"$venv/bin/python" clients/python/tests/run.py
