"""A stand-in for the app's control API on a real loopback socket, for what the real app cannot be made to do on
cue: close a kept-alive connection while it is idle (with a FIN or a reset), read a request and close without an
answer, never answer, stop its event stream. It counts connections and requests, as the tests' evidence."""

from __future__ import annotations

import json
import socket
import struct
import threading
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional, Tuple

#: What a handler answers: (status, JSON body), or one of the actions below.
Reply = Tuple[int, Any]
DROP = (-1, None)  # read the request, close without an answer
HANG = (-2, None)  # read the request, never answer
SHORT = (-3, None)  # answer 200 with a Content-Length larger than what is sent, then hang


def event(event_type: str, **details: Any) -> Dict[str, Any]:
    return {"type": event_type, "timestamp": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
            "details": details}


class FakeApp:
    def __init__(self, status: Dict[str, Any], token: str = "t" * 64, idle_close_s: Optional[float] = None,
                 reset_on_idle_close: bool = False) -> None:
        self.status = status
        self.token = token
        self.idle_close_s = idle_close_s
        self.reset_on_idle_close = reset_on_idle_close
        #: Overrides by (method, path); each a list of replies, used up one per request (the last one stays).
        self.replies: Dict[Tuple[str, str], List[Reply]] = {}
        self.recent: List[Dict[str, Any]] = []
        self.streams_allowed = True
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.requests: List[Tuple[int, str, str]] = []  # (connection number, method, path)
        self.accepted = 0
        self.closed_by_client = 0
        self.closed_by_server = 0
        self._streams: List[socket.socket] = []
        self._sockets: List[socket.socket] = []
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = self._listener.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._stopped = False
        threading.Thread(target=self._accept, name="fake-app-accept", daemon=True).start()

    # ---- what the tests look at

    def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        with self.changed:
            if not self.changed.wait_for(condition, timeout):
                raise AssertionError("the fake app did not see it within the deadline")

    def count(self, method: str, path: str) -> int:
        with self.lock:
            return sum(1 for _, m, p in self.requests if (m, p) == (method, path))

    def push_event(self, data: Dict[str, Any]) -> None:
        """Sends an event on every open stream and keeps it in the recent events."""
        with self.lock:
            self.recent.append(data)
            streams = list(self._streams)
        for s in streams:
            try:
                s.sendall(b"data: " + json.dumps(data).encode() + b"\n\n")
            except OSError:
                pass

    def drop_streams(self) -> None:
        with self.lock:
            streams, self._streams = self._streams, []
        for s in streams:
            _close(s, reset=False)

    def stop(self) -> None:
        self._stopped = True
        self.drop_streams()
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept: a close alone leaves the port listening
        except OSError:
            pass
        self._listener.close()
        with self.lock:
            sockets = list(self._sockets)
        for s in sockets:
            _close(s, reset=False)

    # ---- the server

    def _accept(self) -> None:
        number = 0
        while not self._stopped:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            number += 1
            with self.changed:
                self.accepted += 1
                self._sockets.append(conn)
                self.changed.notify_all()
            threading.Thread(target=self._serve, args=(conn, number), daemon=True).start()

    def _serve(self, conn: socket.socket, number: int) -> None:
        buffer = b""
        conn.settimeout(self.idle_close_s)
        try:
            while True:
                while b"\r\n\r\n" not in buffer:
                    try:
                        chunk = conn.recv(65536)
                    except socket.timeout:  # idle for idle_close_s: close it, as the JDK's server does
                        _close(conn, self.reset_on_idle_close)
                        with self.changed:
                            self.closed_by_server += 1
                            self.changed.notify_all()
                        return
                    if not chunk:
                        with self.changed:
                            self.closed_by_client += 1
                            self.changed.notify_all()
                        conn.close()
                        return
                    buffer += chunk
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
                length = int(headers.get("content-length", "0"))
                while len(buffer) < length:
                    buffer += conn.recv(65536)
                buffer = buffer[length:]
                with self.changed:
                    self.requests.append((number, method, path))
                    self.changed.notify_all()
                if not self._answer(conn, method, path, headers):
                    return
        except OSError:
            return

    def _reply(self, method: str, path: str) -> Reply:
        with self.lock:
            queue = self.replies.get((method, path))
            if queue:
                return queue.pop(0) if len(queue) > 1 else queue[0]
        if path == "/api/v1/status":
            return 200, self.status
        if path == "/api/v1/events/recent":
            with self.lock:
                return 200, list(self.recent)
        if path in ("/api/v1/vlm/load", "/api/v1/vlm/unload"):
            return 200, {"loaded": path.endswith("load") and not path.endswith("unload"), "vlm_state": "unloaded",
                         "reason": None}
        return 404, {"error": f"no such endpoint: {path}"}

    def _answer(self, conn: socket.socket, method: str, path: str, headers: Dict[str, str]) -> bool:
        """Answers one request; False when the connection is done with."""
        if headers.get("authorization") != f"Bearer {self.token}":
            return _send(conn, 401, {"error": "missing or wrong token"})
        if path == "/api/v1/events":
            with self.lock:
                allowed = self.streams_allowed
            if not allowed:
                return _send(conn, 503, {"error": "not now"})
            conn.settimeout(None)
            with self.lock:  # listening before it says so, as the app's queue is subscribed first
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                             b": connected\n\n")
                self._streams.append(conn)
            return False  # the stream's socket now belongs to push_event and drop_streams
        status, body = self._reply(method, path)
        if (status, body) == DROP:
            _close(conn, reset=False)
            return False
        if (status, body) == HANG:
            return False  # never answers; the socket stays open until stop()
        if (status, body) == SHORT:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\"")
            return False
        return _send(conn, status, body)


def _send(conn: socket.socket, status: int, body: Any) -> bool:
    """A JSON answer; bytes go as they are, as text/plain (the app's /metrics)."""
    kind = "text/plain; version=0.0.4" if isinstance(body, bytes) else "application/json"
    data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    conn.sendall(f"HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {len(data)}\r\n\r\n"
                 .encode("latin-1") + data)
    return True


def _close(conn: socket.socket, reset: bool) -> None:
    try:
        if reset:  # SO_LINGER 0: the close sends a reset instead of a FIN
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    conn.close()
