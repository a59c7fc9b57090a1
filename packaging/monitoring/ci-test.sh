#!/usr/bin/env bash
# The monitoring files against the real thing: promtool checks and unit-tests the alert rules, then a real
# Prometheus (Debian's package) scrapes TWO headless stations of the built jar (NVML stub, the jar's simulated Ollama):
# station A through its listener and the bearer token, in a scrape job NOT named "gpurm"; station B through its
# textfile, read by a real node_exporter running as another user (nobody, when this runs as root), in a job "node".
# ci/check.py asks it through PromQL that both stations' modes and VRAM series are there and that every dashboard
# and rule query parses and returns data, for both jobs. Everything listens on 127.0.0.1 only.
#
# Needs: target/gpu-resource-manager.jar (./mvnw package), prometheus + promtool + prometheus-node-exporter
# (apt-get install -y prometheus prometheus-node-exporter), gcc, python3, java. Stops by itself: every wait is bounded, the checks are capped at 200 s, and what it started is stopped.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
started=$(date +%s)

for tool in prometheus promtool prometheus-node-exporter gcc python3 java; do
    command -v "$tool" >/dev/null || {
        echo "ci-test.sh: $tool is missing (apt-get install -y prometheus prometheus-node-exporter gcc python3)"; exit 2; }
done
# The scrape job's name here: anything but "gpurm", so that a query or rule that still names the job finds nothing.
job=rpa-stations
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

# station NAME METRICS_JSON OLLAMA_URL MODE NVML_DEVICES; METRICS_JSON: how it exports its metrics
station() {
    local name=$1 metrics=$2 ollama=$3 mode=$4 devices=$5 dir="$work/$1"
    mkdir -p "$dir"
    cat > "$dir/config.json" <<JSON
{"ollama_endpoint": "$ollama", "nvml_library_path": "$work/libnvidia-ml.so.1", "api_port": 0, "proxy_port": 0,
 "clip_model_path": "$dir/no-clip-here.pt", "ollama_retry_seconds": 2, $metrics}
JSON
    NVML_STUB_DEVICES="$devices" XDG_DATA_HOME="$dir/data" XDG_CONFIG_HOME="$dir/config" \
        java -Xshare:auto -XX:TieredStopAtLevel=1 -jar "$jar" --headless --config "$dir/config.json" --mode "$mode" \
        > "$work/station-$name.log" 2>&1 & pids+=($!)
}
port_a=$(free_port); port_node=$(free_port); port_dead=$(free_port); port_prom=$(free_port)
# node_exporter's textfile directory, as on Debian: 0755, entered and read by node_exporter's own user. (mktemp's
# folder is 0700; the token in it stays 0600.)
chmod 755 "$work"
mkdir -m 755 "$work/textfile"
station a "\"metrics_listen\": \"127.0.0.1:$port_a\", \"metrics_bearer_token_file\": \"$work/token\"" \
    "http://127.0.0.1:$ollama_port" recording \
    "NVIDIA GeForce RTX 4090,24564,1830,12,GPU-5b0c0c3e-0000-4000-8000-00000000000a,330"
station b "\"metrics_textfile_path\": \"$work/textfile/gpurm.prom\"" "http://127.0.0.1:$(free_port)" idle \
    "NVIDIA RTX A2000 12GB,12282,11900,40,GPU-5b0c0c3e-0000-4000-8000-00000000000b,250"

# node_exporter with the textfile collector only, as nobody where we are root: it must read station B's file
# as another user, as on a real station.
as_other_user=()
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    as_other_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    echo "== node_exporter reads the textfile as nobody (uid 65534)"
else
    echo "== node_exporter reads the textfile as $(id -un): not root, so not as another user (MetricsTextfileTest checks the mode)"
fi
"${as_other_user[@]}" prometheus-node-exporter --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$work/textfile" --web.listen-address="127.0.0.1:$port_node" \
    > "$work/node-exporter.log" 2>&1 & pids+=($!)

# The shipped prometheus.yml, with this run's paths, its job renamed and a 1 s interval; the stations through
# file_sd; and a job "node" for node_exporter, as a site has one already.
mkdir -p "$work/stations"
printf -- '- targets: ["127.0.0.1:%s"]\n  labels: {site: ci}\n- targets: ["127.0.0.1:%s"]\n  labels: {site: ci, station: switched-off}\n' \
    "$port_a" "$port_dead" > "$work/stations/ci.yml"
sed -e "s|/etc/prometheus/gpurm.token|$work/token|" -e "s|- stations/\*.yml|- $work/stations/*.yml|" \
    -e "s|- gpurm-rules.yml|- $here/gpurm-rules.yml|" -e "s|: 15s|: 1s|" -e "s|job_name: gpurm |job_name: $job |" \
    "$here/prometheus.yml" > "$work/prometheus.yml"
grep -q "job_name: $job " "$work/prometheus.yml" || { echo "ci-test.sh: could not rename the scrape job"; exit 1; }
printf '  - job_name: node\n    static_configs:\n      - targets: ["127.0.0.1:%s"]\n' "$port_node" >> "$work/prometheus.yml"
promtool check config "$work/prometheus.yml"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="127.0.0.1:$port_prom" > "$work/prometheus.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do python3 -c "import urllib.request as u;u.urlopen('http://127.0.0.1:$port_prom/-/ready',timeout=1)" 2>/dev/null && break; sleep 0.2; done

echo "== PromQL checks (Prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}'))"
timeout 200 python3 "$here/ci/check.py" "http://127.0.0.1:$port_prom" "$job" "127.0.0.1:$port_a" \
    "127.0.0.1:$port_node" "127.0.0.1:$port_dead" "$here/grafana-dashboard.json"
mode=$(stat -c %a "$work/textfile/gpurm.prom")
[ "$mode" = 644 ] || { echo "FAIL  station B's textfile is mode $mode, not 644"; exit 1; }
echo "ok    station B's textfile is mode 644"
echo "== monitoring CI test passed in $(( $(date +%s) - started )) s"
