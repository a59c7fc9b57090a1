"""get_status() through the client against raw http.client, against the running jar (issue 26, item 5).

    python3 clients/python/tools/latency.py [--calls 3000] [--warmup 500] [--block 100]

Starts target/gpu-resource-manager.jar --headless as the client's tests do (clients/python/tests/app.py: its own
data folder, the jar's --simulate-ollama, the NVML stub when gcc is there), then times GET /api/v1/status, in
blocks taken in turn (each row first in turn) so that a slow moment of a shared machine falls on every row alike:

- raw http.client, kept alive: one HTTPConnection, request + getresponse + read, nothing parsed (the goal's
  yardstick);
- raw http.client, a new connection per call (what the client did before kept connections);
- the client, ``grm.get_status()``: kept connection, error handling, JSON parsed into GPUResourceStatus;
- the asyncio client, ``await grm.get_status()`` (one call at a time: the hop to its worker thread and back).

Prints p50 and p95 per row, in ms, and each row's ratio to raw kept-alive. Goal: the client <= 1.3x.
Needs the jar built (./mvnw -q -DskipTests package) and gpurm_client importable.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # clients/python, for tests.app
from tests.app import RunningApp  # noqa: E402

from gpurm_client import AsyncGpuResourceManagerClient, GpuResourceManagerClient  # noqa: E402
from gpurm_client.discovery import read_api_info  # noqa: E402

PATH = "/api/v1/status"


def percentile(samples: List[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=3000, help="timed calls per row")
    parser.add_argument("--warmup", type=int, default=500, help="untimed calls per row first (the JIT, caches)")
    parser.add_argument("--block", type=int, default=100, help="calls per row before the next row's turn")
    args = parser.parse_args()

    app = RunningApp().start()
    try:
        info = read_api_info(app.api_info)
        host, port = info.base_url.rsplit("/", 1)[-1].split(":")
        headers = {"Authorization": f"Bearer {info.token}", "Accept": "application/json"}
        kept = http.client.HTTPConnection(host, int(port), timeout=30)
        grm = GpuResourceManagerClient.connect(api_info_path=app.api_info)
        loop = asyncio.new_event_loop()
        agrm = loop.run_until_complete(AsyncGpuResourceManagerClient.connect(api_info_path=app.api_info))

        def raw_kept() -> None:
            kept.request("GET", PATH, headers=headers)
            kept.getresponse().read()

        def raw_new() -> None:
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            conn.request("GET", PATH, headers=headers)
            conn.getresponse().read()
            conn.close()

        def client() -> None:
            grm.get_status()

        def async_client() -> None:
            loop.run_until_complete(agrm.get_status())

        rows: Dict[str, Callable[[], None]] = {
            "raw http.client, kept alive": raw_kept,
            "raw http.client, new connection per call": raw_new,
            "client get_status()": client,
            "asyncio client await get_status()": async_client,
        }
        samples: Dict[str, List[float]] = {name: [] for name in rows}
        for call in rows.values():
            for _ in range(args.warmup):
                call()
        done, turn = 0, 0
        order = list(rows.items())
        while done < args.calls:
            n = min(args.block, args.calls - done)
            turn += 1
            for name, call in order[turn % len(order):] + order[:turn % len(order)]:  # each row first in turn
                for _ in range(n):
                    started = time.perf_counter_ns()
                    call()
                    samples[name].append((time.perf_counter_ns() - started) / 1e6)
            done += n
        loop.run_until_complete(agrm.shutdown())
        loop.close()
        grm.shutdown()
        kept.close()
    finally:
        app.close()

    base50 = percentile(samples["raw http.client, kept alive"], 50)
    base95 = percentile(samples["raw http.client, kept alive"], 95)
    print(f"GET {PATH}, {args.calls} calls per row after {args.warmup} warm-up, blocks of {args.block} in turn; "
          f"Python {sys.version.split()[0]}")
    print("| row | p50 (ms) | p95 (ms) | p50 / raw kept-alive | p95 / raw kept-alive |")
    print("| --- | --- | --- | --- | --- |")
    for name, values in samples.items():
        p50, p95 = percentile(values, 50), percentile(values, 95)
        print(f"| {name} | {p50:.3f} | {p95:.3f} | {p50 / base50:.2f}x | {p95 / base95:.2f}x |")
    ratio = percentile(samples["client get_status()"], 50) / base50
    print(f"client p50 / raw kept-alive p50 = {ratio:.2f} (goal <= 1.3); mean of the client "
          f"{statistics.mean(samples['client get_status()']):.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
