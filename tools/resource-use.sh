#!/usr/bin/env bash
# Resident memory and idle CPU of the running panel (CLIP not loaded: the demo's CLIP is simulated).
# Starts the command under its own Xvfb (when DISPLAY is unset), waits for the dashboard and SETTLE seconds,
# then samples /proc for WINDOW seconds: RSS at the end (and its peak), CPU as a share of one core.
#   tools/resource-use.sh                   the app image from ./mvnw -Ppackage package, demo mode
#   SETTLE=30 WINDOW=120 tools/resource-use.sh java -jar target/gpu-resource-manager.jar --demo
#   MINIMIZE=1 tools/resource-use.sh        the same with the window minimized (needs openbox and xdotool)
set -euo pipefail
cd "$(dirname "$0")/.."
settle=${SETTLE:-20}
window=${WINDOW:-60}
if [ $# -eq 0 ]; then
  set -- target/installer/gpu-resource-manager/bin/gpu-resource-manager --demo
fi
. tools/scratch-display.sh
cleanup() { [ -n "${app:-}" ] && kill "$app" 2>/dev/null; [ -n "${wm_pid:-}" ] && kill "$wm_pid" 2>/dev/null; [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null; rm -rf "$scratch"; }
trap cleanup EXIT
JAVA_TOOL_OPTIONS="-Dgpurm.startup.trace=true ${JAVA_TOOL_OPTIONS:-}" "$@" >"$scratch/out.log" 2>&1 &
app=$!
for _ in $(seq 150); do grep -q "gpurm-startup dashboard" "$scratch/out.log" && break; sleep 0.2; done
grep -q "gpurm-startup dashboard" "$scratch/out.log" || { cat "$scratch/out.log"; echo "no dashboard" >&2; exit 1; }
if [ -n "${MINIMIZE:-}" ]; then
  openbox >/dev/null 2>&1 &
  wm_pid=$!
  sleep 2
  xdotool search --sync --name "GPU Resource Manager" windowminimize
fi
sleep "$settle"
ticks() { awk '{print $14 + $15}' "/proc/$app/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks); s0=$(date +%s.%N)
sleep "$window"
t1=$(ticks); s1=$(date +%s.%N)
rss=$(awk '/VmRSS/{print $2}' "/proc/$app/status")
hwm=$(awk '/VmHWM/{print $2}' "/proc/$app/status")
awk -v t0="$t0" -v t1="$t1" -v s0="$s0" -v s1="$s1" -v hz="$hz" -v rss="$rss" -v hwm="$hwm" -v w="$window" 'BEGIN{
  printf "RSS %.0f MB (peak %.0f MB); CPU over %d s idle: %.2f %% of one core\n", rss/1024, hwm/1024, w, 100*(t1-t0)/hz/(s1-s0) }'
