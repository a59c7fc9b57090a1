#!/usr/bin/env bash
# Installs the client's wheel into a fresh virtual environment without a package index (as a station would) and
# runs its tests against the jar the Maven build left in target/. Run from anywhere, after ./mvnw verify (or
# ./mvnw -q -DskipTests package).
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
# As a station without a package index installs it: the wheel the Maven build wrote next to the jar, found by the
# app's own --print-client-path, with the index switched off (nothing is downloaded).
java=java
[ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
wheel=$("$java" -jar target/gpu-resource-manager.jar --print-client-path)
echo "python-client: installing $wheel with PIP_NO_INDEX=1 into a fresh venv ($("$venv/bin/python" --version))"
PIP_NO_INDEX=1 "$venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel"
# From the repository root, clients/python/src is not on the path: the tests use the installed package.
"$venv/bin/python" clients/python/tests/run.py
# mypy --strict on the package and its tests (clients/python/pyproject.toml's [tool.mypy]): this venv has no index to
# fetch it from, so the one installed for $python, or else the system's (.ci/run installs Debian's python3 mypy).
if "$python" -m mypy --version >/dev/null 2>&1; then
    (cd clients/python && "$python" -m mypy)
elif command -v mypy >/dev/null; then
    (cd clients/python && mypy)
else
    echo "python-client: mypy --strict skipped: no mypy here (apt-get install -y mypy)"
fi
