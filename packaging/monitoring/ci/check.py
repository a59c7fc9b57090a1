#!/usr/bin/env python3
"""PromQL checks of the monitoring CI test, against a real Prometheus scraping real stations (stdlib only).

Usage: check.py PROMETHEUS_URL JOB STATION_A STATION_B DEAD_TARGET DASHBOARD_JSON
  JOB: the stations' scrape job, named anything but "gpurm"; STATION_A (in JOB, through its listener) records (the
  simulated Ollama, VLM loaded); STATION_B is node_exporter (job "node") reading a station's textfile: that station
  has no Ollama (degraded) and a GPU 97 % full; DEAD_TARGET is listed in JOB's file_sd but nothing listens there.
  Every wait is bounded; exit 1 on any failure."""
import json
import re
import sys
import time
import urllib.parse
import urllib.request

PROM, JOB, A, B, DEAD, DASHBOARD = sys.argv[1:7]
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


def label_values_selector(variable, label):
    """The series selector of a Grafana 'label_values(SELECTOR, LABEL)' variable."""
    match = re.fullmatch(r"label_values\((.*), " + label + r"\)", variable["definition"])
    if not match:
        raise AssertionError(f"variable {variable['name']}: not label_values(..., {label}): {variable['definition']}")
    return match.group(1)


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
    # the textfile is rewritten every 15 s, its first write before the station's first GPU reading
    wait(f"{B} (the textfile) has the GPU and the degraded station",
         lambda: series(f'gpurm_vram_total_bytes{{instance="{B}"}}') and series(f'gpurm_degraded{{instance="{B}"}} == 1'), 40)

    # 2. Modes and VRAM series of both stations, each in its own job.
    modes = {s["metric"]["instance"]: (s["metric"]["job"], s["metric"]["mode"]) for s in series('gpurm_execution_mode == 1')}
    check(modes == {A: (JOB, "recording"), B: ("node", "idle")}, f"each station's job and mode: {modes}")
    for name in ("gpurm_vram_total_bytes", "gpurm_vram_used_bytes", "gpurm_vram_reserved_bytes", "gpurm_vram_free_bytes"):
        result = series(name)
        check(instances(result) == sorted([A, B]) and all(s["metric"].get("uuid", "").startswith("GPU-") for s in result),
              f"{name} of both stations, each with its uuid")
    joined = series('gpurm_vram_used_bytes * on (instance, uuid) group_left (name) gpurm_gpu_info')
    check(sorted(s["metric"].get("name", "") for s in joined) == ["NVIDIA GeForce RTX 4090", "NVIDIA RTX A2000 12GB"],
          "per-GPU series join gpurm_gpu_info on uuid for the GPU's name")
    reserved = {s["metric"]["instance"]: float(s["value"][1]) for s in series("gpurm_vram_reserved_bytes")}
    check(reserved == {A: 330 * 2**20, B: 250 * 2**20}, f"reserved VRAM apart (NVML memory info v2): {reserved}")
    check(series(f'node_textfile_scrape_error{{instance="{B}"}} == 0') != [],
          "node_exporter read the textfile (node_textfile_scrape_error 0)")
    age = series(f'time() - gpurm_textfile_written_timestamp_seconds{{instance="{B}"}}')
    check(len(age) == 1 and -2 < float(age[0]["value"][1]) < 35,
          f"the textfile's write time is seconds since the epoch, written in the last 15 s: {age and age[0]['value'][1]} s ago")
    up = {s["metric"]["instance"]: float(s["value"][1]) for s in series('gpurm_gpu_up')}
    check(up == {A: 1.0, B: 1.0}, f"gpurm_gpu_up of both stations: {up}")
    drift = series('gpurm_vlm_drift_total')
    conditions = series('gpurm_condition')
    check(len(drift) >= 2 * 11 and len(conditions) >= 2 * 3, "every drift cause and condition present on both stations")

    # 3. Every query of the dashboard parses and returns data, with $job as Grafana fills it: each job alone
    #    (a multi-value variable, one value picked) and all of them, as a regex.
    dashboard = json.load(open(DASHBOARD))
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    check(not [e for e in exprs if re.search(r'job\s*=\s*"', e)], "no dashboard query names a job")
    job_values = api("/api/v1/label/job/values", **{"match[]": label_values_selector(variables["job"], "job")})["data"]
    check(sorted(job_values) == sorted([JOB, "node"]), f"dashboard variable job lists both jobs: {job_values}")
    fleet_only = ("up{",)  # the up series of listener stations: the textfile's job has none of its own
    for job_value, expect_all in ((f"({JOB}|node)", True), (JOB, True), ("node", False)):
        for expr in exprs:
            concrete = (expr.replace("$job", job_value).replace("$instance", ".+").replace("$__rate_interval", "30s"))
            body = query(concrete)
            has_data = body.get("status") == "success" and len(body["data"]["result"]) > 0
            ok = has_data if expect_all or not any(f in expr for f in fleet_only) else body.get("status") == "success"
            check(ok, f"dashboard, job {job_value}: {expr}" + ("" if ok else f" -> {body.get('error') or 'no data'}"))
    instance_selector = label_values_selector(variables["instance"], "instance").replace("$job", f"({JOB}|node)")
    values = api("/api/v1/label/instance/values", **{"match[]": instance_selector})["data"]
    check(sorted(values) == sorted([A, B]), f"dashboard variable instance {instance_selector}: {values}")

    # 4. Every rule loaded, evaluated without error, its signal returns data; the stations' states fire.
    wait("every rule evaluated", lambda: all(r["lastEvaluation"] > "2000" for g in api("/api/v1/rules")["data"]["groups"]
                                                for r in g["rules"]), 20)
    rules = [r for g in api("/api/v1/rules")["data"]["groups"] for r in g["rules"]]
    check(len(rules) == 9, f"{len(rules)} rules loaded")
    for rule in rules:
        check(rule["health"] == "ok", f"rule {rule['name']} evaluates ({rule.get('lastError', '')})")
        check(query(rule["query"]).get("status") == "success", f"rule {rule['name']} parses: {rule['query']}")
        check(len(series(signal(rule["query"]))) > 0, f"rule {rule['name']} signal returns data: {signal(rule['query'])}")
    by_name = {r["name"]: r["query"] for r in rules}
    expected = {"GpurmStationDown": [DEAD], "GpurmVramAlmostFull": [B], "GpurmDegraded": [B], "GpurmVlmError": [],
                "GpurmVlmContended": [], "GpurmVlmPartlyOnCpu": [], "GpurmGpuLost": [], "GpurmTextfileStale": [],
                "GpurmStorageUnwritable": []}
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
