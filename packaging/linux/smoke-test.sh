#!/usr/bin/env bash
# Installs the DEB on this machine and checks it as an operator would, then removes it and checks that nothing
# is left: an older version's DEB (the same app image packaged as 0.0.1) is installed first and upgraded to this
# one; the installed app runs headless against an Ollama look-alike and answers /health, the status, a switch to
# RECORDING (the VLM loads through it), the proxy and --print-api-info, and stops cleanly on SIGTERM; its window is
# shown under Xvfb. Needs root (apt-get), Xvfb and ImageMagick's `import` for the screenshot, curl and python3.
#   packaging/linux/smoke-test.sh            builds the DEB first (./mvnw -Ppackage package -DskipTests)
#   SKIP_BUILD=1 packaging/linux/smoke-test.sh   uses the DEB already in target/installer
# Leaves its evidence in target/smoke/: the screenshot, the app's output and status, the start-up times.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/smoke
app=/opt/gpu-resource-manager
launcher=$app/bin/gpu-resource-manager
step() { echo "[smoke] $*"; }
fail() { echo "[smoke] FAILED: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root: it installs and purges a package"
if [ -z "${SKIP_BUILD:-}" ]; then
  step "building the DEB"
  ./mvnw -B -q -Ppackage package -DskipTests
fi
deb=$(ls target/installer/gpu-resource-manager_*_amd64.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no DEB in target/installer"
rm -rf "$out" && mkdir -p "$out"
scratch=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT

# The one place that says what stands in for Ollama: the installed app's own simulated Ollama 0.12, which prints
# "listening PORT" once it accepts connections. Sets $ollama_port and adds its pid to $pids.
start_ollama_lookalike() {
  "$launcher" --simulate-ollama 0 --sim-load-ms 400 >"$scratch/ollama.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q '^listening ' "$scratch/ollama.out" && break; sleep 0.1; done
  ollama_port=$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$scratch/ollama.out")
  [ -n "$ollama_port" ] || { cat "$scratch/ollama.out"; fail "the simulated Ollama did not say 'listening PORT'"; }
}

step "installing the previous version (the same app image as 0.0.1), to upgrade from"
dpkg -s gpu-resource-manager >/dev/null 2>&1 && apt-get purge -y -q gpu-resource-manager >/dev/null
mkdir -p "$scratch/previous-image"
cp -a target/installer/gpu-resource-manager "$scratch/previous-image/"
rm -f "$scratch/previous-image/gpu-resource-manager/lib/app/app.jsa"   # the build's own, for target/installer
sed 's/^--app-version .*/--app-version 0.0.1/' target/packaging/args/linux/deb.args >"$scratch/previous-deb.args"
"${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}/bin/jpackage" "@$scratch/previous-deb.args" \
  --app-image "$scratch/previous-image/gpu-resource-manager" --dest "$scratch/previous" >"$out/previous-jpackage.log" 2>&1 \
  || { cat "$out/previous-jpackage.log"; fail "jpackage of the previous version"; }
apt-get install -y -q "$scratch"/previous/gpu-resource-manager_0.0.1*_amd64.deb >"$out/apt-install-previous.log" 2>&1 \
  || { cat "$out/apt-install-previous.log"; fail "apt-get install of the previous version"; }
[ "$(dpkg-query -W -f='${Version}' gpu-resource-manager)" = "$(dpkg-deb -f "$scratch"/previous/*.deb Version)" ] \
  || fail "the previous version is not the one installed"

step "upgrading to $deb"
apt-get install -y -q "./$deb" >"$out/apt-install.log" 2>&1 || { cat "$out/apt-install.log"; fail "apt-get install"; }
[ "$(dpkg-query -W -f='${Version}' gpu-resource-manager)" = "$(dpkg-deb -f "$deb" Version)" ] \
  || fail "after the upgrade dpkg has $(dpkg-query -W -f='${Version}' gpu-resource-manager), not $(dpkg-deb -f "$deb" Version)"
[ -x "$launcher" ] || fail "$launcher missing"
[ -s "$app/lib/app/app.jsa" ] || fail "the post-install wrote no start-up archive ($app/lib/app/app.jsa)"
"$launcher" --version | grep -q "GPU Resource Manager" || fail "--version"

step "headless against an Ollama look-alike: /health, status, RECORDING, the proxy, --print-api-info"
start_ollama_lookalike
export XDG_CONFIG_HOME=$scratch/config XDG_DATA_HOME=$scratch/data
mkdir -p "$XDG_CONFIG_HOME/gpu-resource-manager"
proxy_port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
# API port 0: the OS picks a free one (api.json tells it); the proxy's is picked above, so it can be asked.
cat >"$XDG_CONFIG_HOME/gpu-resource-manager/config.json" <<JSON
{"api_port": 0, "proxy_port": $proxy_port, "ollama_endpoint": "http://127.0.0.1:$ollama_port"}
JSON
"$launcher" --headless >"$out/headless.log" 2>&1 &
pids+=($!); headless=$!
info=$XDG_DATA_HOME/gpu-resource-manager/api.json
for _ in $(seq 100); do [ -s "$info" ] && break; sleep 0.2; done
[ -s "$info" ] || { cat "$out/headless.log"; fail "no api.json after 20 s"; }
[ "$(stat -c %a "$info")" = 600 ] || fail "api.json is not 0600"
base=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["base_url"])' "$info")
token=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["token"])' "$info")
curl -fsS "$base/health" | grep -q '"status":"ok"' || fail "/health"
"$launcher" --print-api-info >"$out/print-api-info.txt" 2>&1 || { cat "$out/print-api-info.txt"; fail "--print-api-info"; }
grep -qxF "Token file: $info" "$out/print-api-info.txt" && grep -qxF "Base URL:   $base" "$out/print-api-info.txt" \
  || { cat "$out/print-api-info.txt"; fail "--print-api-info does not name $info and $base"; }
wheel=$("$launcher" --print-client-path) || fail "--print-client-path"
case "$wheel" in "$app"/lib/app/gpurm_client-*-py3-none-any.whl) ;; *) fail "--print-client-path said $wheel";; esac
[ -s "$wheel" ] || fail "--print-client-path names $wheel, which is not there"
curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/status" >"$out/status.json"
curl -fsS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"mode":"recording"}' \
  "$base/api/v1/mode" >"$out/status-recording.json" || fail "POST /api/v1/mode recording"
python3 - "$out/status.json" "$out/status-recording.json" <<'PY' || fail "/api/v1/status"
import json, sys
idle, recording = (json.load(open(f)) for f in sys.argv[1:3])
assert idle["execution_mode"] == "idle", idle
assert "Ollama" not in (idle["degraded_reason"] or ""), idle   # the look-alike answers (no GPU may still degrade it)
assert recording["execution_mode"] == "recording", recording
assert recording["vlm_state"] == "loaded", recording
PY
curl -fsS "http://127.0.0.1:$proxy_port/api/version" | grep -q '"version"' || fail "the proxy did not forward /api/version"
curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/status" | grep -q 401 || fail "status without a token was not 401"
kill -TERM "$headless"; wait "$headless" || true
grep -q "GPU resource manager stopped" "$out/headless.log" || fail "no clean stop on SIGTERM"
[ ! -e "$info" ] || fail "api.json is still there after the stop"

step "window: screenshot under Xvfb"
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 2560x1600x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
export DISPLAY=$display
sleep 1
command -v openbox >/dev/null && { openbox >/dev/null 2>&1 & pids+=($!); }
JAVA_TOOL_OPTIONS="-Dgpurm.startup.trace=true" "$launcher" --demo >"$out/window.log" 2>&1 &
pids+=($!); window=$!
for _ in $(seq 100); do grep -q "gpurm-startup dashboard" "$out/window.log" && break; sleep 0.2; done
grep -q "gpurm-startup dashboard" "$out/window.log" || { cat "$out/window.log"; fail "the dashboard did not show"; }
sleep 3
import -window root "$out/screenshot.png"
kill "$window"; wait "$window" 2>/dev/null || true
step "start-up of the installed app (its AppCDS archive in use)"
DISPLAY=$display tools/startup-time.sh 5 "$launcher" --demo | tee "$out/startup.txt"

step "purging"
apt-get purge -y -q gpu-resource-manager >"$out/apt-purge.log" 2>&1 || { cat "$out/apt-purge.log"; fail "apt-get purge"; }
dpkg -s gpu-resource-manager >/dev/null 2>&1 && fail "the package is still known to dpkg"
[ ! -e "$app" ] || { find "$app" | head; fail "$app is still there"; }
left=$(find /usr/share/applications /usr/local/share/applications /usr/share/icons -iname '*gpu-resource-manager*' 2>/dev/null || true)
[ -z "$left" ] || fail "left behind: $left"
step "passed: upgraded from 0.0.1, served the API and the proxy against the look-alike, stopped cleanly, showed its window ($out/screenshot.png), purged clean"
