#!/usr/bin/env python3
"""PromQL checks of the monitoring CI test, against a real Prometheus scraping real stations (stdlib only).

Usage: check.py PROMETHEUS_URL STATION_A STATION_B DEAD_TARGET DASHBOARD_JSON
  STATION_A records (the simulated Ollama, VLM loaded); STATION_B has no Ollama (degraded) and a GPU 97 % full;
  DEAD_TARGET is listed in file_sd but nothing listens there. Every wait is bounded; exit 1 on any failure."""
import json
import re
import sys
import time
import urllib.parse
import urllib.request

PROM, A, B, DEAD, DASHBOARD = sys.argv[1:6]
failures = []


def api(path, **params):
    url = PROM + path + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:  # 400 for a query that does not parse: its body says why
        return json.load(e)


def query(expr):
    return api("/api/v1/query", query=expr)


def series(expr):
    body = query(expr)
    if body.get("status") != "success":
        raise AssertionError(f"query failed: {expr}: {body.get('error')}")
    return body["data"]["result"]


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def wait(what, condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                print(f"ok    {what}")
                return True
        except (OSError, AssertionError, KeyError):
            pass
        time.sleep(0.5)
    check(False, f"{what} (within {seconds} s)")
    return False


def instances(result):
    return sorted({s["metric"].get("instance", "") for s in result})


def targets():
    return {t["labels"]["instance"]: t["health"] for t in api("/api/v1/targets")["data"]["activeTargets"]}


def signal(expr):
    """The part of '<signal> <comparison> <threshold>' before its last comparison outside brackets and quotes."""
    depth, quote, last = 0, None, None
    i = 0
    while i < len(expr):
        c = expr[i]
        if quote:
            quote = None if c == quote and expr[i - 1] != "\\" else quote
        elif c in "\"'`":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and re.match(r"==|!=|>=|<=|>(?!=)|<(?!=)", expr[i:]):
            last = i
            i += 1 if expr[i:i + 2] in ("==", "!=", ">=", "<=") else 0
        i += 1
    return expr[:last].strip() if last is not None else expr


def main():
    # 1. Both stations scraped (through the bearer token), the dead one seen down.
    if not wait("both stations up and the dead target down",
                lambda: targets() == {A: "up", B: "up", DEAD: "down"}, 60):
        print("targets:", json.dumps(api("/api/v1/targets")["data"]["activeTargets"], indent=1)[:3000])
        return
    wait(f"{A} has loaded its VLM (recording)",
         lambda: series(f'gpurm_vlm_state{{instance="{A}",state="loaded"}} == 1'), 60)
    wait("ten seconds of samples of both stations, for the rate windows",
         lambda: len(series('count_over_time(gpurm_build_info[30s]) >= 10')) == 2, 40)

    # 2. Modes and VRAM series of both stations.
    modes = {s["metric"]["instance"]: s["metric"]["mode"] for s in series('gpurm_execution_mode{job="gpurm"} == 1')}
    check(modes == {A: "recording", B: "idle"}, f"each station's mode: {modes}")
    for name in ("gpurm_vram_total_bytes", "gpurm_vram_used_bytes", "gpurm_vram_reserved_bytes", "gpurm_vram_free_bytes"):
        result = series(name)
        check(instances(result) == sorted([A, B]) and all(s["metric"].get("uuid", "").startswith("GPU-") for s in result),
              f"{name} of both stations, each with its uuid")
    joined = series('gpurm_vram_used_bytes * on (instance, uuid) group_left (name) gpurm_gpu_info')
    check(sorted(s["metric"].get("name", "") for s in joined) == ["NVIDIA GeForce RTX 4090", "NVIDIA RTX A2000 12GB"],
          "per-GPU series join gpurm_gpu_info on uuid for the GPU's name")
    reserved = {s["metric"]["instance"]: float(s["value"][1]) for s in series("gpurm_vram_reserved_bytes")}
    check(reserved == {A: 330 * 2**20, B: 250 * 2**20}, f"reserved VRAM apart (NVML memory info v2): {reserved}")
    drift = series('gpurm_vlm_drift_total')
    conditions = series('gpurm_condition')
    check(len(drift) >= 2 * 11 and len(conditions) >= 2 * 3, "every drift cause and condition present on both stations")

    # 3. Every query of the dashboard parses and returns data.
    dashboard = json.load(open(DASHBOARD))
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    for expr in exprs:
        concrete = expr.replace("$instance", ".+").replace("$__rate_interval", "30s")
        body = query(concrete)
        ok = body.get("status") == "success" and len(body["data"]["result"]) > 0
        check(ok, f"dashboard: {expr}" + ("" if ok else f" -> {body.get('error') or 'no data'}"))
    variable = dashboard["templating"]["list"][1]["definition"]
    selector = re.match(r"label_values\((.*), instance\)", variable).group(1)
    values = api("/api/v1/label/instance/values", **{"match[]": selector})["data"]
    check(sorted(values) == sorted([A, B]), f"dashboard variable {variable}: {values}")

    # 4. Every rule loaded, evaluated without error, its signal returns data; the stations' states fire.
    wait("every rule evaluated", lambda: all(r["lastEvaluation"] > "2000" for g in api("/api/v1/rules")["data"]["groups"]
                                                for r in g["rules"]), 20)
    rules = [r for g in api("/api/v1/rules")["data"]["groups"] for r in g["rules"]]
    check(len(rules) == 6, f"{len(rules)} rules loaded")
    for rule in rules:
        check(rule["health"] == "ok", f"rule {rule['name']} evaluates ({rule.get('lastError', '')})")
        check(query(rule["query"]).get("status") == "success", f"rule {rule['name']} parses: {rule['query']}")
        check(len(series(signal(rule["query"]))) > 0, f"rule {rule['name']} signal returns data: {signal(rule['query'])}")
    by_name = {r["name"]: r["query"] for r in rules}
    expected = {"GpurmStationDown": [DEAD], "GpurmVramAlmostFull": [B], "GpurmDegraded": [B], "GpurmVlmError": [],
                "GpurmVlmContended": [], "GpurmVlmPartlyOnCpu": []}
    for name, where in expected.items():
        got = instances(series(by_name[name]))
        check(got == sorted(where), f"{name} selects {where or 'nothing'}: {got}")
    wait("alerts pending for the dead target and the full, degraded station",
         lambda: sorted((a["labels"]["alertname"], a["labels"]["instance"]) for a in api("/api/v1/alerts")["data"]["alerts"])
         == sorted([("GpurmStationDown", DEAD), ("GpurmVramAlmostFull", B), ("GpurmDegraded", B)]), 20)


if __name__ == "__main__":
    main()
    print(f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)
