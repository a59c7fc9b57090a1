"""An Ollama look-alike (standard library only) with what the manager uses: /api/version, /api/tags, /api/ps,
and /api/generate's load (no prompt), unload (keep_alive 0) and keep-alive hand-over (keep_alive "300s").

An unloaded model stays listed in /api/ps for one more poll, as Ollama's runner exits after it answered. Loads
can be held (``hold_loads``) until ``release_loads``, so a test can act while a load is in flight.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Optional

MIB = 1024 * 1024


def normalize(name: str) -> str:
    return name if ":" in name else name + ":latest"


class FakeOllama:
    def __init__(self, installed: Optional[Dict[str, int]] = None) -> None:
        #: model -> VRAM in MiB it takes when loaded
        self.installed = dict(installed or {"qwen3-vl:8b": 10_500})
        self.resident: Dict[str, int] = {}  # model -> polls left before an unloading one leaves (-1: loaded)
        self.loads = 0
        self.unloads = 0
        self.lock = threading.Lock()
        self.load_started = threading.Event()
        self._loads_released = threading.Event()
        self._loads_released.set()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-ollama", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeOllama":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release_loads()
        self.server.shutdown()
        self.server.server_close()

    def hold_loads(self) -> None:
        self.load_started.clear()
        self._loads_released.clear()

    def release_loads(self) -> None:
        self._loads_released.set()

    def is_resident(self, model: str) -> bool:
        with self.lock:
            return self.resident.get(normalize(model)) == -1

    # ---- the API

    def tags(self) -> Dict[str, Any]:
        with self.lock:
            return {"models": [{"name": m, "model": m, "size": mb * MIB * 70 // 100, "digest": "c7a9a1e4"}
                               for m, mb in self.installed.items()]}

    def ps(self) -> Dict[str, Any]:
        with self.lock:
            for name, left in list(self.resident.items()):
                if left == 0:
                    del self.resident[name]
                elif left > 0:
                    self.resident[name] = left - 1
            return {"models": [{
                "name": m, "model": m, "size": self.installed[m] * MIB + 512 * MIB, "size_vram": self.installed[m] * MIB,
                "digest": "c7a9a1e4", "context_length": 4096, "details": {"family": "qwen3vl"},
                "expires_at": "2318-09-08T12:00:00.987654321-07:00" if left < 0 else "2026-11-30T09:00:00.1+01:00",
            } for m, left in self.resident.items()]}

    def generate(self, body: Dict[str, Any]) -> "tuple[int, Dict[str, Any]]":
        model = normalize(str(body.get("model", "")))
        if model not in self.installed:
            return 404, {"error": f'model "{body.get("model")}" not found, try pulling it first'}
        if body.get("prompt"):
            return 200, {"model": model, "response": "ok", "done": True, "done_reason": "stop"}
        keep_alive = body.get("keep_alive")
        if keep_alive == 0:
            with self.lock:
                if model in self.resident:
                    self.resident[model] = 1
                self.unloads += 1
            return 200, {"model": model, "response": "", "done": True, "done_reason": "unload"}
        if isinstance(keep_alive, str):
            return 200, {"model": model, "done": True, "done_reason": "load"}
        self.load_started.set()
        self._loads_released.wait(120)
        with self.lock:
            self.resident[model] = -1
            self.loads += 1
        return 200, {"model": model, "response": "", "done": True, "done_reason": "load", "load_duration": 1_200_000}

    def _handler(self) -> type:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: Any) -> None:
                data = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                routes = {"/api/version": lambda: {"version": "0.12.6"}, "/api/tags": fake.tags, "/api/ps": fake.ps}
                if self.path == "/":
                    self._send(200, "Ollama is running")
                elif self.path in routes:
                    self._send(200, routes[self.path]())
                else:
                    self._send(404, "404 page not found")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    self._send(400, {"error": "invalid JSON"})
                    return
                if self.path == "/api/generate":
                    self._send(*fake.generate(body))
                else:
                    self._send(404, "404 page not found")

        return Handler
