"""The app's simulated Ollama 0.12 for the Python tools and tests (stdlib only, Python 3.9+).

It is the one model of Ollama's scheduler that the Java tests and the demo run too (package
com.rpavision.gpurm.simulator), started as its own process by the jar's --simulate-ollama PORT:

    with simulated_ollama.start(["--sim-load-ms", "0"]) as ollama:
        ollama.endpoint   # http://127.0.0.1:PORT, for the app's ollama_endpoint
        ollama.address    # 127.0.0.1:PORT
        ollama.listed()   # the names in /api/ps

The options after --simulate-ollama (--sim-load-ms, --sim-gap-ms, --sim-stopping-ms, --sim-vram-mb,
--sim-model NAME=MB, --sim-preload NAME) are the jar's: see its --help.
"""

from __future__ import annotations

import collections
import json
import os
import re
import shutil
import subprocess
import threading
import urllib.request
from pathlib import Path
from typing import Deque, List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
JAR = ROOT / "target" / "gpu-resource-manager.jar"
STARTUP_S = 60.0


def java() -> str:
    home = os.environ.get("JAVA_HOME")
    candidate = Path(home, "bin", "java") if home else None
    return str(candidate) if candidate and candidate.exists() else (shutil.which("java") or "java")


class SimulatedOllama:
    """One running simulator: its process and where it answers."""

    def __init__(self, process: subprocess.Popen, port: int, output: Deque[str]) -> None:
        self.process = process
        self.port = port
        self._output = output

    @property
    def address(self) -> str:
        return "127.0.0.1:%d" % self.port

    @property
    def endpoint(self) -> str:
        return "http://" + self.address

    def get(self, path: str) -> dict:
        with urllib.request.urlopen(self.endpoint + path, timeout=10) as answer:
            return json.load(answer)

    def listed(self) -> List[str]:
        """The models in /api/ps: loaded, loading, or still stopping."""
        return [m["name"] for m in self.get("/api/ps")["models"]]

    def restart(self, down_ms: int = 200) -> None:
        """Ollama restarts: everything forgotten, the port refuses for down_ms."""
        request = urllib.request.Request(self.endpoint + "/_simulator/restart?down_ms=%d" % down_ms, method="POST")
        urllib.request.urlopen(request, timeout=10).close()

    def output(self) -> str:
        """Its last lines on stdout and stderr (for an error message)."""
        return "\n".join(self._output)

    def stop(self) -> None:
        """SIGTERM (it stops at once), then SIGKILL if it has not within 10 s."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def __enter__(self) -> "SimulatedOllama":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(options: Sequence[str] = (), port: int = 0, jar: Optional[os.PathLike] = None,
          java_options: Sequence[str] = (), prefix: Sequence[str] = ()) -> SimulatedOllama:
    """Starts `java [java_options] -jar JAR --simulate-ollama PORT [options]` (after `prefix`, e.g. taskset) and
    returns once it printed "listening PORT", that is once it answers. Raises RuntimeError if it does not."""
    jar_path = Path(jar) if jar else JAR
    if not jar_path.exists():
        raise RuntimeError("%s is missing: build it first (./mvnw -q -DskipTests package)" % jar_path)
    command = list(prefix) + [java()] + list(java_options) + ["-jar", str(jar_path), "--simulate-ollama", str(port)] \
        + list(options)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               text=True, encoding="utf-8", errors="replace")
    output: Deque[str] = collections.deque(maxlen=50)
    listening: List[int] = []
    ready = threading.Event()

    def drain() -> None:  # reads all it writes, so that a full pipe never blocks it
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line.rstrip("\n"))
            match = re.match(r"listening ([0-9]+)$", line.strip())
            if match and not listening:
                listening.append(int(match.group(1)))
                ready.set()
        ready.set()

    threading.Thread(target=drain, name="simulated-ollama-output", daemon=True).start()
    if not ready.wait(STARTUP_S) or not listening:
        process.kill()
        process.wait(10)
        raise RuntimeError("the simulated Ollama did not start (%s):\n%s" % (" ".join(command), "\n".join(output)))
    return SimulatedOllama(process, listening[0], output)
