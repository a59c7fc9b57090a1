"""The app's Server-Sent Events, read on a background thread that reconnects, fanned out to listeners."""

from __future__ import annotations

import http.client
import json
import logging
import threading
from typing import Callable, List, Optional

from . import _http
from .errors import GpuRmError
from .models import ResourceChangedEvent

LOG = logging.getLogger("gpurm_client")
EVENTS_PATH = "/api/v1/events"
#: The app sends a heartbeat every 15 s: a read that waits longer means the connection is dead.
READ_TIMEOUT_S = 45.0


class Subscription:
    """A registered listener; ``cancel()`` (or leaving a ``with`` block) stops its calls."""

    def __init__(self, cancel: Callable[[], None]) -> None:
        self._cancel = cancel

    def cancel(self) -> None:
        self._cancel()

    def __enter__(self) -> "Subscription":
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


class EventStream:
    """One GET /api/v1/events at a time; reconnects with backoff (0.2 s doubling to 5 s) until stopped."""

    def __init__(self, credentials: Callable[[], "tuple[str, str]"], refresh: Callable[[], bool],
                 dispatch: Callable[[ResourceChangedEvent], None]) -> None:
        self._credentials = credentials
        self._refresh = refresh
        self._dispatch = dispatch
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._lock = threading.Lock()
        self._conn: Optional[http.client.HTTPConnection] = None
        self._thread: Optional[threading.Thread] = None
        self.last_error: Optional[str] = None
        self.connections = 0

    def start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="gpurm-events", daemon=True)
                self._thread.start()

    def wait_connected(self, timeout: Optional[float]) -> bool:
        return self._connected.wait(timeout)

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            conn, thread = self._conn, self._thread
        if conn is not None and conn.sock is not None:
            try:
                conn.sock.shutdown(2)  # unblocks the reader
            except OSError:
                pass
        if thread is not None and thread is not threading.current_thread():
            thread.join(5)

    def _run(self) -> None:
        backoff = 0.2
        while not self._stop.is_set():
            try:
                self._follow()
                backoff = 0.2  # the stream ended after it had connected: reconnect soon
            except GpuRmError as e:
                self.last_error = str(e)
                LOG.debug("event stream: %s", e)
            except (OSError, http.client.HTTPException, ValueError) as e:
                self.last_error = f"{type(e).__name__}: {e}"
                LOG.debug("event stream broke: %s", self.last_error)
            finally:
                self._connected.clear()
                with self._lock:
                    self._conn = None
            if self._stop.wait(backoff):
                return
            backoff = min(backoff * 2, 5.0)

    def _follow(self) -> None:
        base_url, token = self._credentials()
        conn = _http.open_connection(base_url, READ_TIMEOUT_S)
        with self._lock:
            if self._stop.is_set():
                return
            self._conn = conn
        try:
            headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
            response = _http.send(conn, base_url, "GET", EVENTS_PATH, headers, None)
            if response.status != 200:
                answer = _http.Answer(response.status, response.getheader("Content-Type", ""), response.read())
                if response.status == 401 and self._refresh():
                    return
                _http.raise_for_error(answer, "GET", EVENTS_PATH)
            self.connections += 1
            data: List[str] = []
            while not self._stop.is_set():
                raw = response.readline()
                if not raw:
                    return  # the app closed the stream
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith(":"):
                    if line.startswith(": connected"):
                        self._connected.set()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip(" "))
                elif line == "" and data:
                    self._deliver("\n".join(data))
                    data = []
        finally:
            conn.close()

    def _deliver(self, text: str) -> None:
        try:
            event = ResourceChangedEvent.from_json(json.loads(text))
        except (ValueError, KeyError, TypeError) as e:
            LOG.warning("ignoring an event this client cannot read (%s): %s", e, text[:200])
            return
        self._dispatch(event)
