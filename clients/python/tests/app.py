"""Starts the real app (target/gpu-resource-manager.jar --headless) for the tests, as HeadlessRunTest does:
the jar's simulated Ollama 0.12 (--simulate-ollama, through tools/simulated_ollama.py), the NVML stub
(src/test/c/nvml_stub.c, built with gcc when there is one; without it the app runs with no GPU) and the CLIP
fixture, in a data folder of its own."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parents[3]
JAR = Path(os.environ.get("GPURM_JAR", ROOT / "target" / "gpu-resource-manager.jar"))
sys.path.insert(0, str(ROOT / "tools"))
import simulated_ollama  # noqa: E402  (the tools' helper: one way to start the simulator)
CLIP_FIXTURE = ROOT / "src" / "test" / "resources" / "clip" / "tiny-clip-vit.pt"
NVML_STUB_SOURCE = ROOT / "src" / "test" / "c" / "nvml_stub.c"
#: Shared with the Maven tests, so libtorch is extracted once per clone.
ENGINE_CACHE = ROOT / "target" / "djl-engine-cache"
# name, total MiB, used MiB, utilization %, uuid, reserved MiB, temperature °C, power W, power limit W
GPU = ("NVIDIA GeForce RTX 4090", 24564, 1830, 12, "GPU-5b0c0c3e-0000-4000-8000-0000000000aa", 0, 61, 287, 450)
STARTUP_S = 90.0
#: Quick loads (the tests wait for several), Ollama's own eviction gap and keep-alive rules.
OLLAMA_OPTIONS = ("--sim-load-ms", "300")
java = simulated_ollama.java


_nvml_stub: Optional[Path] = None


def nvml_stub() -> Optional[Path]:
    """The stub libnvidia-ml.so.1, built once per test run; None without gcc (or off Linux)."""
    global _nvml_stub
    if _nvml_stub is None and shutil.which("gcc") and os.name == "posix":
        folder = tempfile.mkdtemp(prefix="gpurm-nvml-")
        atexit.register(shutil.rmtree, folder, True)
        out = Path(folder) / "libnvidia-ml.so.1"
        subprocess.run(["gcc", "-Wall", "-shared", "-fPIC", "-o", str(out), str(NVML_STUB_SOURCE)], check=True)
        _nvml_stub = out
    return _nvml_stub


class RunningApp:
    """One headless app with its own folder, config and simulated Ollama (started and stopped with the app)."""

    def __init__(self, ollama_options: Sequence[str] = OLLAMA_OPTIONS, **config: Any) -> None:
        if not JAR.exists():
            raise RuntimeError(f"{JAR} is missing: build it first (./mvnw -q -DskipTests package)")
        self.dir = Path(tempfile.mkdtemp(prefix="gpurm-app-"))
        #: The --sim-* options of the simulated Ollama the next start() runs.
        self.ollama_options: List[str] = list(ollama_options)
        self.ollama: Optional[simulated_ollama.SimulatedOllama] = None
        self.gpu = nvml_stub() is not None
        self.config: Dict[str, Any] = {
            "clip_model_path": str(CLIP_FIXTURE), "api_port": 0, "proxy_port": 0,
            "idle_timeout_seconds": 0, "unload_timeout_seconds": 1, "poll_interval_ms": 200,
            "nvml_library_path": str(nvml_stub() or self.dir / "no-nvml.so"), "nvidia_smi_path": "no-nvidia-smi",
        }
        self.config.update(config)
        self.process: "Optional[subprocess.Popen[bytes]]" = None
        self.log = self.dir / "console.log"

    @property
    def sim(self) -> "simulated_ollama.SimulatedOllama":
        """The simulated Ollama of the running app (start() made it)."""
        if self.ollama is None:
            raise RuntimeError("the app was not started: no simulated Ollama yet")
        return self.ollama

    @property
    def api_info(self) -> Path:
        return self.dir / "data" / "gpu-resource-manager" / "api.json"

    def start(self) -> "RunningApp":
        """A fresh simulated Ollama (nothing loaded) and the app configured to use it."""
        if self.ollama is not None:
            self.ollama.stop()
        self.ollama = simulated_ollama.start(self.ollama_options, jar=JAR,
                                             java_options=("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"))
        self.config["ollama_endpoint"] = self.ollama.endpoint
        config_file = self.dir / "config.json"
        config_file.write_text(json.dumps(self.config), encoding="utf-8")
        env = dict(os.environ, XDG_DATA_HOME=str(self.dir / "data"), XDG_CONFIG_HOME=str(self.dir / "config"),
                   NVML_STUB_DEVICES=",".join(str(x) for x in GPU), ENGINE_CACHE_DIR=str(ENGINE_CACHE),
                   DJL_OFFLINE="true")
        ENGINE_CACHE.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([java(), "-jar", str(JAR), "--headless", "--config", str(config_file)],
                                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + STARTUP_S
        while not self._serving():
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"the app exited with {self.process.returncode}:\n{self.console()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the app did not write {self.api_info} in {STARTUP_S} s:\n{self.console()}")
            time.sleep(0.1)
        return self

    def _serving(self) -> bool:
        try:
            return bool(json.loads(self.api_info.read_text(encoding="utf-8")).get("token"))
        except (OSError, ValueError):
            return False

    def console(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-6000:]
        except OSError:
            return ""

    def terminate(self) -> None:
        """SIGTERM, as an operator's stop; the app shuts down in the background."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait_stopped(self, timeout: float = 30.0) -> int:
        assert self.process is not None
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(10)

    def stop(self) -> None:
        self.terminate()
        if self.process is not None:
            self.wait_stopped()
        if self.ollama is not None:
            self.ollama.stop()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
