#!/usr/bin/env python3
"""A full data volume (issue 23): the headless jar runs with its data folder on a small tmpfs (needs root for the
mount), the volume is filled, mode switches make the journal write; the condition storage_unwritable must be raised
(status, /metrics), then cleared once space is back and the next write succeeds, and every journal line must still
parse (no half-written line).

    sudo python3 tools/chaos/full-disk.py [--size-kb 4096]
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from manager_harness import JAR, App, Simulator, wait_until  # noqa: E402

CONDITION = "storage_unwritable"


def raised(app):
    return any(c.get("condition") == CONDITION for c in app.status().get("conditions", []))


def metric(app):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", app.port, timeout=10)
    conn.request("GET", "/metrics", headers={"Authorization": "Bearer " + app.token})
    text = conn.getresponse().read().decode()
    conn.close()
    for line in text.splitlines():
        if line.startswith('gpurm_condition{condition="%s"}' % CONDITION):
            return line.rsplit(" ", 1)[1]
    return "absent"


def fill(folder):
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        for size in (65536, 4096, 512, 1):  # to the last byte
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


def switches(app, n):
    for i in range(n):
        app.mode("autopilot" if i % 2 == 0 else "idle")
        time.sleep(0.2)


def journal_lines(data):
    good = torn = 0
    for f in sorted((data / "gpu-resource-manager" / "journal").glob("*")):
        for line in f.read_bytes().splitlines():
            try:
                json.loads(line.decode("utf-8"))
                good += 1
            except (ValueError, UnicodeDecodeError):
                torn += 1
    return good, torn


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-kb", type=int, default=4096)
    args = parser.parse_args()
    if not JAR.exists():
        sys.exit("%s is missing: build it with ./mvnw -B -ntp -DskipTests package" % JAR)
    if os.geteuid() != 0:
        sys.exit("needs root to mount a tmpfs (the suite's JournalOnAFaultyDiskTest covers the rest without it)")
    with tempfile.TemporaryDirectory() as scratch:
        data = pathlib.Path(scratch) / "data-app"
        data.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dk" % args.size_kb, "tmpfs", str(data)], check=True)
        sim = app = None
        try:
            sim = Simulator(JAR, 500, "300", 24_000)
            app = App(JAR, sim.port, 1000, scratch, mode="idle", name="app")
            before = (raised(app), metric(app))
            filler = fill(data)
            switches(app, 40)  # tmpfs fills by pages: appends fit in the last page until it is full
            t_full = time.monotonic()
            wait_until(lambda: raised(app), "storage_unwritable raised", 20)
            full = (raised(app), metric(app), time.monotonic() - t_full)
            reason = next(c.get("reason", "") for c in app.status()["conditions"] if c.get("condition") == CONDITION)
            filler.unlink()
            switches(app, 2)
            wait_until(lambda: not raised(app), "storage_unwritable cleared", 20)
            after = (raised(app), metric(app))
        finally:
            if app:
                app.stop()
            if sim:
                sim.stop()
            good, torn = journal_lines(data)
            subprocess.run(["umount", str(data)], check=False)
    print("| step | storage_unwritable in status | gpurm_condition | |")
    print("|---|---|---|---|")
    print("| before | %s | %s | |" % before)
    print("| volume full, 40 switches | %s | %s | raised %.1f s after the switches |" % full)
    print("| space back, 2 switches | %s | %s | |" % after)
    print("reason: %s" % reason)
    print("journal: %d lines parse, %d torn" % (good, torn))
    ok = before == (False, "0") and full[0] and full[1] == "1" and after == (False, "0") and torn == 0 and good > 0
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
