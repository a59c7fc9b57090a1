#!/usr/bin/env bash
# The monitoring files against the real thing: promtool checks and unit-tests the alert rules, then a real
# Prometheus (Debian's package) scrapes TWO headless stations of the built jar (NVML stub, the jar's simulated Ollama)
# through the bearer token, and ci/check.py asks it through PromQL that both stations' modes and VRAM series are
# there and that every dashboard and rule query parses and returns data. Everything listens on 127.0.0.1 only.
#
# Needs: target/gpu-resource-manager.jar (./mvnw package), prometheus + promtool (apt-get install -y prometheus),
# gcc, python3, java. Stops by itself: every wait is bounded, the checks are capped at 200 s, and what it started is stopped.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
started=$(date +%s)

for tool in prometheus promtool gcc python3 java; do
    command -v "$tool" >/dev/null || { echo "ci-test.sh: $tool is missing (apt-get install -y prometheus gcc python3)"; exit 2; }
done
jar="$root/target/gpu-resource-manager.jar"
[ -f "$jar" ] || { echo "ci-test.sh: $jar missing; run ./mvnw -B package first"; exit 2; }

echo "== promtool: rules and their unit tests"
promtool check rules "$here/gpurm-rules.yml"
promtool test rules "$here/gpurm-rules.test.yml"

work="$(mktemp -d "${TMPDIR:-/tmp}/gpurm-monitoring.XXXXXX")"
pids=()
cleanup() {
    local rc=$?
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "$rc" -ne 0 ]; then
        for log in "$work"/*.log; do echo "---- $log (last 40 lines)"; tail -n 40 "$log" || true; done
    fi
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

gcc -shared -fPIC -o "$work/libnvidia-ml.so.1" "$root/src/test/c/nvml_stub.c"
python3 -c 'import secrets;print(secrets.token_hex(32))' > "$work/token"
chmod 600 "$work/token"

# The jar's simulated Ollama 0.12 (the scheduler model the Java tests and the demo run): it prints
# "listening PORT" once it answers. simulate_ollama LOG [--sim-* options] sets ollama_port.
simulate_ollama() {
    local log=$1; shift
    java -Xshare:auto -XX:TieredStopAtLevel=1 -jar "$jar" --simulate-ollama 0 "$@" > "$log" 2>&1 & pids+=($!)
    local pid=$! _
    for _ in $(seq 300); do
        ollama_port=$(sed -n 's/^listening \([0-9][0-9]*\)$/\1/p' "$log")
        [ -n "$ollama_port" ] && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "ci-test.sh: the simulated Ollama did not start"; return 1
}
simulate_ollama "$work/ollama.log" --sim-load-ms 400

# station NAME METRICS_PORT OLLAMA_URL MODE NVML_DEVICES
station() {
    local name=$1 port=$2 ollama=$3 mode=$4 devices=$5 dir="$work/$1"
    mkdir -p "$dir"
    cat > "$dir/config.json" <<JSON
{"ollama_endpoint": "$ollama", "nvml_library_path": "$work/libnvidia-ml.so.1", "api_port": 0, "proxy_port": 0,
 "clip_model_path": "$dir/no-clip-here.pt", "ollama_retry_seconds": 2,
 "metrics_listen": "127.0.0.1:$port", "metrics_bearer_token_file": "$work/token"}
JSON
    NVML_STUB_DEVICES="$devices" XDG_DATA_HOME="$dir/data" XDG_CONFIG_HOME="$dir/config" \
        java -Xshare:auto -XX:TieredStopAtLevel=1 -jar "$jar" --headless --config "$dir/config.json" --mode "$mode" \
        > "$work/station-$name.log" 2>&1 & pids+=($!)
}
port_a=$(free_port); port_b=$(free_port); port_dead=$(free_port); port_prom=$(free_port)
station a "$port_a" "http://127.0.0.1:$ollama_port" recording \
    "NVIDIA GeForce RTX 4090,24564,1830,12,GPU-5b0c0c3e-0000-4000-8000-00000000000a,330"
station b "$port_b" "http://127.0.0.1:$(free_port)" idle \
    "NVIDIA RTX A2000 12GB,12282,11900,40,GPU-5b0c0c3e-0000-4000-8000-00000000000b,250"

# The shipped prometheus.yml, with this run's paths and a 1 s interval; the stations through file_sd.
mkdir -p "$work/stations"
printf -- '- targets: ["127.0.0.1:%s", "127.0.0.1:%s"]\n  labels: {site: ci}\n- targets: ["127.0.0.1:%s"]\n  labels: {site: ci, station: switched-off}\n' \
    "$port_a" "$port_b" "$port_dead" > "$work/stations/ci.yml"
sed -e "s|/etc/prometheus/gpurm.token|$work/token|" -e "s|- stations/\*.yml|- $work/stations/*.yml|" \
    -e "s|- gpurm-rules.yml|- $here/gpurm-rules.yml|" -e "s|: 15s|: 1s|" "$here/prometheus.yml" > "$work/prometheus.yml"
promtool check config "$work/prometheus.yml"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="127.0.0.1:$port_prom" > "$work/prometheus.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do python3 -c "import urllib.request as u;u.urlopen('http://127.0.0.1:$port_prom/-/ready',timeout=1)" 2>/dev/null && break; sleep 0.2; done

echo "== PromQL checks (Prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}'))"
timeout 200 python3 "$here/ci/check.py" "http://127.0.0.1:$port_prom" "127.0.0.1:$port_a" "127.0.0.1:$port_b" \
    "127.0.0.1:$port_dead" "$here/grafana-dashboard.json"
echo "== monitoring CI test passed in $(( $(date +%s) - started )) s"
