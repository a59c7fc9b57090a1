"""The synchronous client: the design's GPUResourceManager interface, over the app's control API."""

from __future__ import annotations

import io
import json
import logging
import os
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar, Union

from . import _http
from ._events import EventStream, Resumption, Subscription
from .discovery import default_api_info_path, read_api_info
from .errors import AppNotRunningError, AuthenticationError
from .models import (ClipDevice, ExecutionMode, GPUResourceStatus, GpuTakeBack, IdleUnloadEvent, ModeChangedEvent,
                     ModelState, OllamaModel, OllamaUnload, ResourceChangedEvent, Statistics, StreamInterruption,
                     VRAMInfo)

LOG = logging.getLogger("gpurm_client")
T = TypeVar("T")
#: A mode switch or a load answers when done: the app waits up to load_timeout x retries + 35 s (395 s by default).
DEFAULT_TRANSITION_TIMEOUT_S = 600.0
DEFAULT_TIMEOUT_S = 30.0
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"

ImageInput = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", Any]


class GpuResourceManagerClient:
    """Talks to the running GPU Resource Manager. Thread-safe; listeners are called on one background thread.

    Make one with :meth:`connect` (reads api.json, and reads it again when the app restarted) or with a base URL
    and token. Each thread that calls it keeps one kept-alive connection; :meth:`shutdown` (or leaving a ``with``
    block) closes them and stops the event thread.

    Timeouts: a quick call waits up to ``timeout`` (30 s by default) for its answer; a call that waits for a
    transition (a mode switch, a load, an unload, a CLIP move, taking the GPU back) up to ``transition_timeout``
    (600 s; the app's own wait is shorter and ends in a :class:`TransitionTimeoutError`). Either way, and also
    when connecting or sending takes that long, the call raises :class:`GpuRmTimeout` (a ``TimeoutError``).
    """

    def __init__(self, base_url: str, token: str, *, timeout: float = DEFAULT_TIMEOUT_S,
                 transition_timeout: float = DEFAULT_TRANSITION_TIMEOUT_S,
                 api_info_path: Optional[Path] = None) -> None:
        _http.host_and_port(base_url)  # fails early on a URL that cannot be the control API
        self._base_url = base_url.rstrip("/")
        self._token = token
        self.timeout = timeout
        self.transition_timeout = transition_timeout
        self._api_info_path = api_info_path
        self._lock = threading.Lock()
        self._resource_listeners: List[Callable[[ResourceChangedEvent], None]] = []
        self._mode_listeners: List[Callable[[ModeChangedEvent], None]] = []
        self._idle_listeners: List[Callable[[IdleUnloadEvent], None]] = []
        self._interruption_listeners: List[Callable[[StreamInterruption], None]] = []
        self._connections = _http.KeptConnections()
        self._events = EventStream(self._credentials, self._refresh, self._dispatch, self._resumed)

    @classmethod
    def connect(cls, base_url: Optional[str] = None, token: Optional[str] = None, *,
                api_info_path: Optional[Union[str, "os.PathLike[str]"]] = None, timeout: float = DEFAULT_TIMEOUT_S,
                transition_timeout: float = DEFAULT_TRANSITION_TIMEOUT_S, check: bool = True
                ) -> "GpuResourceManagerClient":
        """Connects to the app: to ``base_url`` with ``token`` when both are given, else to what api.json says
        (``api_info_path``, or where the app writes it for this user).

        With ``check`` (the default) it asks the app once, so that a stopped app (:class:`AppNotRunningError`) or
        a stale token (:class:`AuthenticationError`) is said here, not at the first call.
        """
        path: Optional[Path] = None
        if base_url is None or token is None:
            path = Path(api_info_path) if api_info_path is not None else default_api_info_path()
            info = read_api_info(path)
            base_url = base_url or info.base_url
            token = token or info.token
        client = cls(base_url, token, timeout=timeout, transition_timeout=transition_timeout, api_info_path=path)
        if check:
            client.get_status()
        return client

    @property
    def base_url(self) -> str:
        return self._base_url

    # ---- HTTP

    def _credentials(self) -> Tuple[str, str]:
        with self._lock:
            return self._base_url, self._token

    def _refresh(self) -> bool:
        """Reads api.json again (a client made by connect()); True when it names another address or token."""
        if self._api_info_path is None:
            return False
        try:
            info = read_api_info(self._api_info_path)
        except Exception:  # the app is not back (yet): keep what we have
            return False
        with self._lock:
            changed = (info.base_url, info.token) != (self._base_url, self._token)
            self._base_url, self._token = info.base_url, info.token
        if changed:
            LOG.info("the GPU Resource Manager restarted: now at %s", info.base_url)
        return changed

    def _call(self, method: str, path: str, body: Optional[bytes] = None, content_type: Optional[str] = None,
              timeout: Optional[float] = None) -> Any:
        return self._exchange(method, path, body, content_type, timeout).json()

    def _exchange(self, method: str, path: str, body: Optional[bytes] = None, content_type: Optional[str] = None,
                  timeout: Optional[float] = None) -> _http.Answer:
        wait = self.timeout if timeout is None else timeout
        for attempt in (1, 2):
            base_url, token = self._credentials()
            try:
                answer = _http.exchange(self._connections, base_url, method, path, token, wait, body, content_type)
                _http.raise_for_error(answer, method, path)
                return answer
            except (_http.RefusedConnection, AuthenticationError):
                # Nothing was done: worth one more try if the app came back with a new address or token.
                if attempt == 1 and self._refresh():
                    continue
                raise
        raise AssertionError("unreachable")

    def _post_json(self, path: str, payload: Dict[str, Any], timeout: Optional[float] = None) -> Any:
        return self._call("POST", path, json.dumps(payload).encode("utf-8"), "application/json", timeout)

    # ---- modes

    def set_execution_mode(self, mode: Union[ExecutionMode, str]) -> GPUResourceStatus:
        """Switches mode and returns once the transition completed (RECORDING: the VLM is loaded), with the
        status reached. Raises :class:`TransitionTimeoutError` if the app's wait ran out (it goes on), and
        :class:`GpuRmTimeout` after ``transition_timeout`` s."""
        wire = ExecutionMode(mode.lower() if isinstance(mode, str) else mode).value
        return GPUResourceStatus.from_json(self._post_json("/api/v1/mode", {"mode": wire}, self.transition_timeout))

    def get_execution_mode(self) -> ExecutionMode:
        """The current mode (from :meth:`get_status`; :class:`GpuRmTimeout` after ``timeout`` s)."""
        return self.get_status().execution_mode

    def free_gpu_for_recording(self) -> GpuTakeBack:
        """Takes the GPU back from other Ollama clients, as the panel's "Free the GPU for recording" does: unloads
        every other model, ends a contention, switches to RECORDING; returns once the VLM load was tried (see
        ``.status.vlm_state``). Raises :class:`TransitionTimeoutError` if the app's wait ran out (it goes on), and
        :class:`GpuRmTimeout` after ``transition_timeout`` s."""
        return GpuTakeBack.from_json(self._post_json("/api/v1/gpu/free-for-recording", {}, self.transition_timeout))

    # ---- VLM

    def ensure_vlm_loaded(self) -> bool:
        """Loads the VLM if needed; returns once loaded (True), or False when it cannot be (see get_status()).
        :class:`TransitionTimeoutError` if the app's wait ran out, :class:`GpuRmTimeout` after
        ``transition_timeout`` s."""
        return bool(self._post_json("/api/v1/vlm/load", {}, self.transition_timeout)["loaded"])

    def ensure_vlm_unloaded(self) -> bool:
        """Unloads the VLM if needed; returns True once it is unloaded and its VRAM is back.

        In RECORDING the VLM's place is loaded (the app would load it again at once), so the app refuses:
        :class:`ModeConflict` (a 409), nothing changed; switch to IDLE or AUTOPILOT first.
        :class:`TransitionTimeoutError` if the app's wait ran out, :class:`GpuRmTimeout` after
        ``transition_timeout`` s."""
        return not self._post_json("/api/v1/vlm/unload", {}, self.transition_timeout)["loaded"]

    def is_vlm_loaded(self) -> bool:
        """True when the status says the VLM is loaded (:class:`GpuRmTimeout` after ``timeout`` s)."""
        return self.get_vlm_state() is ModelState.LOADED

    def get_vlm_state(self) -> ModelState:
        """The VLM's state (:class:`GpuRmTimeout` after ``timeout`` s)."""
        return self.get_status().vlm_state

    # ---- CLIP

    def get_clip_device(self) -> ClipDevice:
        """Where CLIP runs, ``ClipDevice.CPU`` or ``.CUDA`` (a ``str`` enum; :class:`GpuRmTimeout` after
        ``timeout`` s)."""
        return self.get_status().clip_device

    def migrate_clip_to_gpu(self) -> bool:
        """True when CLIP is on the GPU now; False when the move was refused (get_status().clip says why).
        :class:`GpuRmTimeout` after ``transition_timeout`` s."""
        return self._migrate_clip("cuda")

    def migrate_clip_to_cpu(self) -> bool:
        """True when CLIP is on the CPU now. :class:`GpuRmTimeout` after ``transition_timeout`` s."""
        return self._migrate_clip("cpu")

    def _migrate_clip(self, device: str) -> bool:
        answer = self._post_json("/api/v1/clip/device", {"device": device}, self.transition_timeout)
        if not answer["ok"]:
            LOG.info("CLIP not moved to %s: %s", device, answer.get("reason"))
        return bool(answer["ok"])

    def embed_image(self, image: ImageInput) -> List[float]:
        """CLIP's L2-normalized embedding of a PNG or JPEG (bytes, or a file path) or of a PIL image.
        :class:`GpuRmTimeout` after ``timeout`` s."""
        data = _image_bytes(image)
        content_type = "image/png" if data.startswith(PNG_MAGIC) else "image/jpeg" if data.startswith(JPEG_MAGIC) else None
        if content_type is None:
            raise ValueError("embed_image takes a PNG or JPEG image (bytes or a file), or a PIL image")
        answer = self._call("POST", "/api/v1/clip/embed", data, content_type)
        return [float(x) for x in answer["embedding"]]

    # ---- the other Ollama models

    def list_ollama_models(self) -> List[OllamaModel]:
        """Every model Ollama holds now, the VLM marked (``is_vlm``): who else uses the GPU.
        :class:`ApiError` (502) when Ollama cannot be asked; :class:`GpuRmTimeout` after ``timeout`` s."""
        return [OllamaModel.from_json(m) for m in self._call("GET", "/api/v1/ollama/models")["models"]]

    def unload_ollama_model(self, model: str) -> OllamaUnload:
        """Unloads a model other than the VLM; returns once it left Ollama's list (``reason`` says so when it was
        not loaded). The VLM is refused with :class:`ApiError` 409 (use :meth:`ensure_vlm_unloaded` or a mode);
        Ollama's refusal is an :class:`ApiError` 502. :class:`TransitionTimeoutError` if the app's wait ran out,
        :class:`GpuRmTimeout` after ``transition_timeout`` s."""
        if not model or not model.strip():
            raise ValueError("unload_ollama_model takes a model name, e.g. 'llama3:8b'")
        return OllamaUnload.from_json(self._post_json("/api/v1/ollama/unload", {"model": model}, self.transition_timeout))

    # ---- monitoring

    def get_statistics(self) -> Statistics:
        """Today and this week (from Monday, local time), from the app's journal: time in each mode, VLM loads
        and their p50/p95, idle unloads, time degraded, CLIP moves. :class:`GpuRmTimeout` after ``timeout`` s."""
        return Statistics.from_json(self._call("GET", "/api/v1/statistics"))


    def is_healthy(self) -> bool:
        """True when the app answers ``/health`` with ``ok``; False when no app listens (where every other call
        raises :class:`AppNotRunningError`). :class:`GpuRmTimeout` after ``timeout`` s."""
        try:
            return bool(self._call("GET", "/health").get("status") == "ok")
        except AppNotRunningError:
            return False

    def get_metrics(self) -> str:
        """The app's Prometheus text exposition (``/metrics``): VRAM per GPU, the VLM's state, the mode, conditions,
        counters, for a support request or a script. :class:`GpuRmTimeout` after ``timeout`` s."""
        return self._exchange("GET", "/metrics").body.decode("utf-8")

    def get_openapi(self) -> Dict[str, Any]:
        """The control API's OpenAPI 3.1 document as the app serves it (``/api/v1/openapi.json``), e.g. to check
        which version of the API a station runs. :class:`GpuRmTimeout` after ``timeout`` s."""
        document: Dict[str, Any] = self._call("GET", "/api/v1/openapi.json")
        return document

    def get_status(self) -> GPUResourceStatus:
        """The whole status. :class:`GpuRmTimeout` after ``timeout`` s."""
        return GPUResourceStatus.from_json(self._call("GET", "/api/v1/status"))

    def get_vram_usage(self) -> VRAMInfo:
        """The managed GPU's memory (from :meth:`get_status`; :class:`GpuRmTimeout` after ``timeout`` s)."""
        return self.get_status().vram

    def recent_events(self) -> List[ResourceChangedEvent]:
        """The app's last 500 events, oldest first (what a listener missed while disconnected).
        :class:`GpuRmTimeout` after ``timeout`` s."""
        return [ResourceChangedEvent.from_json(e) for e in self._call("GET", "/api/v1/events/recent")]

    # ---- events

    def on_resource_changed(self, callback: Callable[[ResourceChangedEvent], None]) -> Subscription:
        """Calls ``callback`` with every event the app emits, in order, on the client's event thread."""
        return self._listen(self._resource_listeners, callback)

    def on_mode_changed(self, callback: Callable[[ModeChangedEvent], None]) -> Subscription:
        """Calls ``callback`` with every mode change, on the client's event thread."""
        return self._listen(self._mode_listeners, callback)

    def on_idle_unload(self, callback: Callable[[IdleUnloadEvent], None]) -> Subscription:
        """Calls ``callback`` when the app unloads the idle VLM, on the client's event thread."""
        return self._listen(self._idle_listeners, callback)

    def on_stream_interrupted(self, callback: Callable[[StreamInterruption], None]) -> Subscription:
        """Calls ``callback`` when the event stream is back after an interruption (the app stopped, restarted on
        another port or with another token, or the connection died), before the next event: a
        :class:`StreamInterruption` with the status read again and the events missed meanwhile. The stream
        itself reconnects by itself (0.2 s doubling to 5 s, reading api.json again after each failure)."""
        return self._listen(self._interruption_listeners, callback)

    def wait_until_listening(self, timeout: Optional[float] = 10.0) -> bool:
        """Starts the event stream if needed; True once it is connected (events from then on are seen)."""
        self._events.start()
        return self._events.wait_connected(timeout)

    @property
    def listening(self) -> bool:
        return self._events.connected

    def _listen(self, listeners: List[Callable[[T], None]], callback: Callable[[T], None]) -> Subscription:
        with self._lock:
            listeners.append(callback)
        if not self.wait_until_listening(5.0):
            LOG.warning("the event stream is not connected yet (%s); it keeps trying", self._events.last_error)

        def cancel() -> None:
            with self._lock:
                if callback in listeners:
                    listeners.remove(callback)
        return Subscription(cancel)

    def _resumed(self, back: Resumption) -> None:
        """On the event thread, the stream back: read the status and the missed events, tell the listeners."""
        with self._lock:
            listeners = list(self._interruption_listeners)
        if not listeners:
            return
        status: Optional[GPUResourceStatus] = None
        missed: List[ResourceChangedEvent] = []
        error = back.error
        try:
            status = self.get_status()
            missed = [e for e in self.recent_events() if e.timestamp > back.last_seen]
        except Exception as e:  # the stream is back all the same; say why the rest is not
            error = f"{error}; reading the status again failed: {e}"
        interruption = StreamInterruption(interrupted_at=back.interrupted_at, resumed_at=datetime.now(timezone.utc),
                                          app_restarted=back.app_restarted, base_url=back.base_url, error=error,
                                          status=status, missed=missed)
        for callback in listeners:
            try:
                callback(interruption)
            except Exception:
                LOG.exception("a GPU Resource Manager listener failed on a stream interruption")

    def _dispatch(self, event: ResourceChangedEvent) -> None:
        with self._lock:
            calls: List[Tuple[Callable[[Any], None], Any]] = [(c, event) for c in self._resource_listeners]
            if event.event_type == "mode_changed" and self._mode_listeners:
                mode = ModeChangedEvent.from_event(event)
                calls += [(c, mode) for c in self._mode_listeners]
            if event.event_type == "idle_unload" and self._idle_listeners:
                idle = IdleUnloadEvent.from_event(event)
                calls += [(c, idle) for c in self._idle_listeners]
        for callback, argument in calls:
            try:
                callback(argument)
            except Exception:
                LOG.exception("a GPU Resource Manager listener failed on %s", event.event_type)

    # ---- life cycle

    def shutdown(self, timeout: float = 5.0) -> bool:
        """Stops the event thread (listeners are called no more) and closes every kept connection; a call in
        flight on another thread fails. Later calls raise :class:`ClientClosedError`. True once the event thread
        ended within ``timeout`` s. Safe to call twice."""
        stopped = self._events.stop(timeout)
        self._connections.close()
        return stopped

    def close(self) -> None:
        """:meth:`shutdown`."""
        self.shutdown()

    def __enter__(self) -> "GpuResourceManagerClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _image_bytes(image: ImageInput) -> bytes:
    if isinstance(image, (bytes, bytearray, memoryview)):
        return bytes(image)
    if isinstance(image, (str, os.PathLike)):
        return Path(image).read_bytes()
    if hasattr(image, "save"):  # a PIL image; PIL is optional, so no import unless one is given
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()
    raise TypeError(f"embed_image takes bytes, a path or a PIL image, not {type(image).__name__}")
