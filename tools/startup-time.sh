#!/usr/bin/env bash
# Start-up time of the panel: process launch -> first frame of its window, and -> dashboard shown, in ms.
# Runs the command RUNS times (default 7) under an X server (its own Xvfb when DISPLAY is unset), each run
# ending itself at the dashboard (-Dgpurm.startup.exit), and prints each run and the medians.
#   tools/startup-time.sh                        the app image from ./mvnw -Ppackage package, in demo mode
#   tools/startup-time.sh 5 java -jar target/gpu-resource-manager.jar --demo
# The app's data goes to a scratch home, so runs start alike and the user's files are untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
shift || true
if [ $# -eq 0 ]; then
  set -- target/installer/gpu-resource-manager/bin/gpu-resource-manager --demo
fi
. tools/scratch-display.sh
trap 'rm -rf "$scratch"; [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true' EXIT
export JAVA_TOOL_OPTIONS="-Dgpurm.startup.trace=true -Dgpurm.startup.exit=dashboard ${JAVA_TOOL_OPTIONS:-}"
first=(); dash=()
for i in $(seq "$runs"); do
  t0=$(date +%s%3N)
  out=$("$@" 2>/dev/null | grep '^gpurm-startup' || true)
  f=$(awk -v t0="$t0" '$2=="first-frame"{print $3-t0}' <<<"$out")
  d=$(awk -v t0="$t0" '$2=="dashboard"{print $3-t0}' <<<"$out")
  [ -n "$f" ] && [ -n "$d" ] || { echo "run $i: no start-up trace; is this a build with StartupTrace?" >&2; exit 1; }
  echo "run $i: first frame ${f} ms, dashboard ${d} ms"
  first+=("$f"); dash+=("$d")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
echo "median of $runs: first frame $(median "${first[@]}") ms, dashboard $(median "${dash[@]}") ms"
