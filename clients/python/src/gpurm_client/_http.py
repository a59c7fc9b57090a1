"""HTTP exchanges with the app over http.client on kept-alive connections, failures turned into this package's
errors.

A connection is kept per thread (:class:`KeptConnections`) and reused while the app keeps it open. The app (the
JDK's HTTP server) closes a connection that stayed idle, so a kept connection can be found closed, and the rule
for trying again is the one that never does an operation twice:

- before a connection is reused, it is polled: readable means the app closed it (or sent something unasked), and
  it is replaced before anything is written;
- a request whose writing fails on a reused connection is sent again once on a new one, whatever its method: the
  app had closed that connection (it is written in one piece, and the app acts on a request only once it read all
  of it, body included);
- a request whose answer does not come, after it was written, may have been received and acted on: a GET is sent
  again once on a new connection (it changes nothing), a POST never; the caller gets :class:`ConnectionLostError`.
"""

from __future__ import annotations

import http.client
import json
import select
import socket
import threading
import weakref
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

from .errors import (ApiError, AppNotRunningError, AuthenticationError, ClientClosedError, GpuRmTimeout,
                     ModeConflict, TransitionTimeoutError)

#: Methods that change nothing in the app, so a request lost with its connection may be sent again.
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
#: Where a 409 means "not in this mode" (docs/openapi.yaml); elsewhere a 409 is a plain ApiError.
MODE_CONFLICTS = frozenset({"/api/v1/vlm/unload"})


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class RefusedConnection(AppNotRunningError):
    """Nothing listens at the address: the request was never sent, so it may be retried elsewhere."""


class ConnectionLostError(AppNotRunningError):
    """The connection closed after the request was written and before its answer came: the app may have acted on
    it. A POST is never sent again; check with ``get_status()``."""


def host_and_port(base_url: str) -> Tuple[str, int]:
    parts = urlsplit(base_url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"the control API is plain HTTP on loopback, e.g. http://127.0.0.1:11436, not {base_url!r}")
    return parts.hostname, parts.port or 80


class Connection(http.client.HTTPConnection):
    """An HTTPConnection that writes a request in one piece (http.client writes the head, then the body): one
    write to fail or not, and no wait between the two for the Nagle algorithm and a delayed ACK."""

    _pending: Optional[List[bytes]] = None

    def send(self, data: Any) -> None:
        if self._pending is None or not isinstance(data, (bytes, bytearray)):
            super().send(data)
            return
        if self.sock is None and self.auto_open:
            self.connect()
        self._pending.append(bytes(data))

    def request_in_one_piece(self, method: str, path: str, body: Optional[bytes], headers: Dict[str, str]) -> None:
        self._pending = []
        try:
            self.request(method, path, body=body, headers=headers)
            data = b"".join(self._pending)
        finally:
            self._pending = None
        assert self.sock is not None
        self.sock.sendall(data)


def open_connection(base_url: str, timeout: Optional[float]) -> Connection:
    host, port = host_and_port(base_url)
    return Connection(host, port, timeout=timeout)


def _closed_by_peer(sock: socket.socket) -> bool:
    """True when the peer closed the connection (or sent bytes nobody asked for): it cannot carry a request."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class KeptConnections:
    """One kept-alive connection per thread, to the client's current address; :meth:`close` closes them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_thread: Dict[int, Tuple["weakref.ref[threading.Thread]", str, Connection]] = {}
        self._closed = False

    def take(self, base_url: str, timeout: Optional[float]) -> Tuple[Connection, bool]:
        """This thread's connection to ``base_url`` with ``timeout`` set, and whether it is an open one being reused
        (False: it connects on its first write)."""
        ident = threading.get_ident()
        with self._lock:
            if self._closed:
                raise ClientClosedError("this GpuResourceManagerClient was shut down: make a new one")
            entry = self._by_thread.get(ident)
        if entry is not None:
            _, url, conn = entry
            if url == base_url and conn.sock is not None and not _closed_by_peer(conn.sock):
                conn.timeout = timeout
                conn.sock.settimeout(timeout)
                return conn, True
            conn.close()  # another address (the app restarted), or closed by the app while idle
        conn = open_connection(base_url, timeout)
        with self._lock:
            if self._closed:
                raise ClientClosedError("this GpuResourceManagerClient was shut down: make a new one")
            self._prune()
            self._by_thread[ident] = (weakref.ref(threading.current_thread()), base_url, conn)
        return conn, False

    def _prune(self) -> None:
        """Closes the connections of threads that ended (a thread id may be given again to a new thread)."""
        for ident, (thread, _, conn) in list(self._by_thread.items()):
            alive = thread()
            if alive is None or not alive.is_alive():
                conn.close()
                del self._by_thread[ident]

    def open_count(self) -> int:
        with self._lock:
            return sum(1 for _, _, conn in self._by_thread.values() if conn.sock is not None)

    def close(self) -> None:
        """Closes every kept connection; a call in flight on one fails. Later calls raise ClientClosedError."""
        with self._lock:
            self._closed = True
            connections: List[Connection] = [conn for _, _, conn in self._by_thread.values()]
            self._by_thread.clear()
        for conn in connections:
            sock = conn.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)  # unblocks a reader on another thread
                except OSError:
                    pass
            conn.close()


def timeout_error(method: str, path: str, base_url: str, timeout: Optional[float], doing: str) -> GpuRmTimeout:
    return GpuRmTimeout(f"{method} {path}: {doing} {base_url} took longer than {timeout} s. The operation may go on "
                        "in the app; check get_status().")


def send(conn: http.client.HTTPConnection, base_url: str, method: str, path: str, headers: Dict[str, str],
         body: Optional[bytes]) -> http.client.HTTPResponse:
    """Sends the request on ``conn`` and reads the answer's head (the event stream's one request)."""
    try:
        conn.request(method, path, body=body, headers=headers)
    except socket.timeout:
        raise timeout_error(method, path, base_url, conn.timeout, "connecting to") from None
    except ConnectionRefusedError:
        raise refused(base_url) from None
    except OSError as e:
        raise AppNotRunningError(f"cannot reach the GPU Resource Manager at {base_url}: {e}") from e
    try:
        return conn.getresponse()
    except socket.timeout:
        raise timeout_error(method, path, base_url, conn.timeout, "waiting for the answer of") from None
    except (http.client.HTTPException, ConnectionError) as e:
        raise lost(base_url, method, path, e) from e


def refused(base_url: str) -> RefusedConnection:
    return RefusedConnection(
        f"Nothing answers at {base_url}: the GPU Resource Manager is not running (or api.json is out of date). "
        "Start the app, then connect again.")


def lost(base_url: str, method: str, path: str, e: BaseException) -> ConnectionLostError:
    return ConnectionLostError(
        f"The GPU Resource Manager at {base_url} closed the connection during {method} {path} "
        f"({type(e).__name__}): it was stopped or crashed. The operation may or may not have happened"
        f"{'' if method in IDEMPOTENT else ' and was not sent again'}; start the app again and check get_status().")


def exchange(connections: KeptConnections, base_url: str, method: str, path: str, token: str,
             timeout: Optional[float], body: Optional[bytes] = None, content_type: Optional[str] = None) -> Answer:
    """One request and its whole answer on this thread's kept connection, sent again only as the module says."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = content_type or "application/json"
    for attempt in (1, 2):
        conn, reused = connections.take(base_url, timeout)
        try:
            answer = _once(conn, reused and attempt == 1, base_url, method, path, headers, body, timeout)
        except BaseException:
            conn.close()  # whatever happened, its state is unknown: never reuse it
            raise
        if answer is not None:
            return answer
    raise AssertionError("unreachable")


def _once(conn: Connection, may_resend: bool, base_url: str, method: str, path: str,
          headers: Dict[str, str], body: Optional[bytes], timeout: Optional[float]) -> Optional[Answer]:
    """The answer, or None when the request must be sent again on a new connection (``may_resend`` only)."""
    reused = conn.sock is not None
    try:
        conn.request_in_one_piece(method, path, body, headers)
    except socket.timeout:
        conn.close()
        raise timeout_error(method, path, base_url, timeout, "sending to" if reused else "connecting to") from None
    except ConnectionRefusedError:
        conn.close()
        raise refused(base_url) from None
    except OSError as e:
        conn.close()
        if may_resend:
            return None  # the app had closed this idle connection: it read none of the request
        raise AppNotRunningError(f"cannot reach the GPU Resource Manager at {base_url} ({method} {path}): {e}") from e
    try:
        response = conn.getresponse()
    except socket.timeout:
        conn.close()
        raise timeout_error(method, path, base_url, timeout, "waiting for the answer of") from None
    except (http.client.HTTPException, ConnectionError) as e:
        conn.close()
        if may_resend and method in IDEMPOTENT:
            return None
        raise lost(base_url, method, path, e) from e
    try:
        data = response.read()
    except socket.timeout:
        conn.close()
        raise timeout_error(method, path, base_url, timeout, "reading the answer of") from None
    except (http.client.HTTPException, ConnectionError) as e:
        conn.close()
        raise ConnectionLostError(
            f"The GPU Resource Manager at {base_url} stopped while answering {method} {path}: it was stopped "
            "or crashed.") from e
    return Answer(response.status, response.getheader("Content-Type", "") or "", data)


def raise_for_error(answer: Answer, method: str, path: str) -> None:
    if answer.status < 400:
        return
    try:
        body = answer.json()
        message = str(body.get("error", body)) if isinstance(body, dict) else str(body)
    except ValueError:
        body, message = None, answer.body.decode("utf-8", "replace")
    if answer.status == 401:
        raise AuthenticationError(
            f"The GPU Resource Manager refused the token ({message}). The app writes a new token to api.json at "
            "each start: reconnect with GpuResourceManagerClient.connect() (a client made by connect() does so "
            "by itself when api.json changed).")
    if answer.status == 503 and message.startswith("shutting down"):
        # the app stopped while the request waited for it: it answered instead of closing the connection
        raise AppNotRunningError(f"The GPU Resource Manager stopped during {method} {path} ({message}).")
    error = TransitionTimeoutError if answer.status == 504 else \
        ModeConflict if answer.status == 409 and path in MODE_CONFLICTS else ApiError
    raise error(answer.status, message, method, path, body)
