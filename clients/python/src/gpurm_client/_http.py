"""One HTTP exchange with the app over http.client, failures turned into this package's errors."""

from __future__ import annotations

import http.client
import json
import socket
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlsplit

from .errors import ApiError, AppNotRunningError, AuthenticationError, GpuRmError, TransitionTimeoutError


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class RefusedConnection(AppNotRunningError):
    """Nothing listens at the address: the request was never sent, so it may be retried elsewhere."""


def host_and_port(base_url: str) -> Tuple[str, int]:
    parts = urlsplit(base_url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"the control API is plain HTTP on loopback, e.g. http://127.0.0.1:11436, not {base_url!r}")
    return parts.hostname, parts.port or 80


def open_connection(base_url: str, timeout: Optional[float]) -> http.client.HTTPConnection:
    host, port = host_and_port(base_url)
    return http.client.HTTPConnection(host, port, timeout=timeout)


def send(conn: http.client.HTTPConnection, base_url: str, method: str, path: str, headers: Dict[str, str],
         body: Optional[bytes]) -> http.client.HTTPResponse:
    """Sends the request and reads the answer's head; connection failures become AppNotRunningError."""
    try:
        conn.request(method, path, body=body, headers=headers)
    except ConnectionRefusedError:
        raise RefusedConnection(
            f"Nothing answers at {base_url}: the GPU Resource Manager is not running (or api.json is out of date). "
            "Start the app, then connect again.") from None
    except OSError as e:
        raise AppNotRunningError(f"cannot reach the GPU Resource Manager at {base_url}: {e}") from e
    try:
        return conn.getresponse()
    except socket.timeout:
        raise GpuRmError(f"{method} {path}: no answer from {base_url} within {conn.timeout} s") from None
    except (http.client.RemoteDisconnected, http.client.IncompleteRead, ConnectionError) as e:
        raise AppNotRunningError(
            f"The GPU Resource Manager at {base_url} closed the connection during {method} {path} "
            f"({type(e).__name__}): it was stopped or crashed. The operation may or may not have happened; "
            "start the app again and check get_status().") from e


def exchange(base_url: str, method: str, path: str, token: str, timeout: Optional[float],
             body: Optional[bytes] = None, content_type: Optional[str] = None) -> Answer:
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = content_type or "application/json"
    conn = open_connection(base_url, timeout)
    try:
        response = send(conn, base_url, method, path, headers, body)
        try:
            data = response.read()
        except (http.client.IncompleteRead, ConnectionError) as e:
            raise AppNotRunningError(
                f"The GPU Resource Manager at {base_url} stopped while answering {method} {path}: it was stopped "
                "or crashed.") from e
        return Answer(response.status, response.getheader("Content-Type", ""), data)
    finally:
        conn.close()


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
    error = TransitionTimeoutError if answer.status == 504 else ApiError
    raise error(answer.status, message, method, path, body)
