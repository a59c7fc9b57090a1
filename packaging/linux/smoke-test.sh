#!/usr/bin/env bash
# Installs the DEB on this machine and checks it as an operator would, then removes it and checks that nothing
# is left. Needs root (apt-get), Xvfb and ImageMagick's `import` for the screenshot, curl and python3.
#   packaging/linux/smoke-test.sh            builds the DEB first (./mvnw -Ppackage package -DskipTests)
#   SKIP_BUILD=1 packaging/linux/smoke-test.sh   uses the DEB already in target/installer
# Leaves its evidence in target/smoke/: the screenshot, the app's output, the start-up times.
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

step "installing $deb"
dpkg -s gpu-resource-manager >/dev/null 2>&1 && apt-get purge -y -q gpu-resource-manager >/dev/null
apt-get install -y -q "./$deb" >"$out/apt-install.log" 2>&1 || { cat "$out/apt-install.log"; fail "apt-get install"; }
[ -x "$launcher" ] || fail "$launcher missing"
[ -s "$app/lib/app/app.jsa" ] || fail "the post-install wrote no start-up archive ($app/lib/app/app.jsa)"
"$launcher" --version | grep -q "GPU Resource Manager" || fail "--version"

step "headless: /health and /api/v1/status"
export XDG_CONFIG_HOME=$scratch/config XDG_DATA_HOME=$scratch/data
mkdir -p "$XDG_CONFIG_HOME/gpu-resource-manager"
# Ports 0: the OS picks free ones. Nothing answers at port 9: the manager must run degraded, not fail.
cat >"$XDG_CONFIG_HOME/gpu-resource-manager/config.json" <<'JSON'
{"api_port": 0, "proxy_port": 0, "ollama_endpoint": "http://127.0.0.1:9"}
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
status=$(curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/status")
echo "$status" >"$out/status.json"
python3 - "$out/status.json" <<'PY' || fail "/api/v1/status"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["execution_mode"] == "idle", s
assert s["degraded_mode"] is True and s["degraded_reason"], s   # Ollama is not there
assert s["vlm_state"] in ("unloaded", "error"), s
PY
curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/status" | grep -q 401 || fail "status without a token was not 401"
kill -TERM "$headless"; wait "$headless" || true
grep -q "GPU resource manager stopped" "$out/headless.log" || fail "no clean stop on SIGTERM"

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
step "passed: installed, served /health and /api/v1/status, showed its window ($out/screenshot.png), purged clean"
