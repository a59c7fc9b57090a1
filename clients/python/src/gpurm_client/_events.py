"""The app's Server-Sent Events, read on a background thread that reconnects, fanned out to listeners."""

from __future__ import annotations

import http.client
import json
import logging
import socket
import threading
from datetime import datetime, timezone
from typing import Callable, List, NamedTuple, Optional, Tuple

from . import _http
from .errors import ClientClosedError, GpuRmError
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
    """One GET /api/v1/events at a time; reconnects with backoff (0.2 s doubling to 5 s) until stopped.

    After every failure it reads api.json again (``refresh``), so it follows an app that restarted on another port
    or with another token without any other call of the client's; when the stream is back after having been
    connected, ``resumed`` is called (on this thread, before the next event) with what it needs to tell the
    listeners what they missed.
    """

    def __init__(self, credentials: Callable[[], Tuple[str, str]], refresh: Callable[[], bool],
                 dispatch: Callable[[ResourceChangedEvent], None],
                 resumed: Optional[Callable[["Resumption"], None]] = None) -> None:
        self._credentials = credentials
        self._refresh = refresh
        self._dispatch = dispatch
        self._resumed = resumed
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._lock = threading.Lock()
        self._sock: Optional[socket.socket] = None
        self._thread: Optional[threading.Thread] = None
        self.last_error: Optional[str] = None
        self.connections = 0
        #: The credentials of the last stream that connected, when the last event came, when the stream broke.
        self._connected_with: Optional[Tuple[str, str]] = None
        self._last_seen: Optional[datetime] = None
        self._interrupted_at: Optional[datetime] = None

    def start(self) -> None:
        with self._lock:
            if self._stop.is_set():
                raise ClientClosedError("this GpuResourceManagerClient was shut down: make a new one")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="gpurm-events", daemon=True)
                self._thread.start()

    def wait_connected(self, timeout: Optional[float]) -> bool:
        return self._connected.wait(timeout)

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    @property
    def alive(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def stop(self, timeout: float = 5.0) -> bool:
        """Stops the thread; True once it ended (within ``timeout``)."""
        self._stop.set()
        with self._lock:
            sock, thread = self._sock, self._thread
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # unblocks the reader
            except OSError:
                pass
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            return not thread.is_alive()
        return True

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
                if self._connected.is_set() and self._interrupted_at is None:
                    self._interrupted_at = _now()
                self._connected.clear()
                with self._lock:
                    self._sock = None
            if self._stop.is_set():
                return
            if self._refresh():  # the app is back with another address or token: go there now
                backoff = 0.2
                continue
            if self._stop.wait(backoff):
                return
            backoff = min(backoff * 2, 5.0)

    def _follow(self) -> None:
        base_url, token = self._credentials()
        conn = _http.open_connection(base_url, READ_TIMEOUT_S)
        try:
            conn.connect()
        except socket.timeout:
            raise _http.timeout_error("GET", EVENTS_PATH, base_url, READ_TIMEOUT_S, "connecting to") from None
        except ConnectionRefusedError:
            raise _http.refused(base_url) from None
        with self._lock:
            # the socket itself: http.client lets go of it once an answer that ends with the connection arrives
            self._sock = conn.sock
            if self._stop.is_set():
                conn.close()
                return
        try:
            headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
            response = _http.send(conn, base_url, "GET", EVENTS_PATH, headers, None)
            if response.status != 200:
                answer = _http.Answer(response.status, response.getheader("Content-Type", "") or "", response.read())
                _http.raise_for_error(answer, "GET", EVENTS_PATH)
            self.connections += 1
            data: List[str] = []
            while not self._stop.is_set():
                raw = response.readline()
                if not raw:
                    self.last_error = "the app closed the event stream"
                    return
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith(":"):
                    if line.startswith(": connected"):
                        self._on_connected((base_url, token))
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip(" "))
                elif line == "" and data:
                    self._deliver("\n".join(data))
                    data = []
        finally:
            conn.close()

    def _on_connected(self, credentials: Tuple[str, str]) -> None:
        before, interrupted_at = self._connected_with, self._interrupted_at
        self._connected_with, self._interrupted_at = credentials, None
        if self._last_seen is None:
            self._last_seen = _now()  # events before the first connection are nobody's miss
        self._connected.set()
        if before is not None and interrupted_at is not None and self._resumed is not None:
            try:
                self._resumed(Resumption(interrupted_at, before != credentials, credentials[0], self.last_error,
                                         self._last_seen))
            except Exception:
                LOG.exception("telling the listeners that the event stream was interrupted failed")

    def _deliver(self, text: str) -> None:
        try:
            event = ResourceChangedEvent.from_json(json.loads(text))
        except (ValueError, KeyError, TypeError) as e:
            LOG.warning("ignoring an event this client cannot read (%s): %s", e, text[:200])
            return
        self._last_seen = event.timestamp
        self._dispatch(event)


class Resumption(NamedTuple):
    """The stream is back after an interruption (see EventStream)."""

    interrupted_at: datetime
    app_restarted: bool
    base_url: str
    error: Optional[str]
    last_seen: datetime
    """The last event delivered before the interruption (or the first connection's time, without one)."""


def _now() -> datetime:
    return datetime.now(timezone.utc)
