"""The asyncio twin: the design's ``async def``s, for an agent whose loop must never block.

Each call runs the synchronous client's in a small thread pool of its own (a mode switch can take minutes, and
must not starve the loop's default executor), so both clients share one implementation of the API's rules:
errors, timeouts, token refresh, kept connections (one per worker thread: the pool), the event stream. The standard library has no asyncio HTTP client, and one written on
asyncio streams would be a second copy of all that. Listeners are called on the event loop; a coroutine
function is awaited there as a task.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Awaitable, Callable, Dict, List, Optional, TypeVar, Union

from ._events import Subscription
from .errors import ClientClosedError
from .client import DEFAULT_TIMEOUT_S, DEFAULT_TRANSITION_TIMEOUT_S, GpuResourceManagerClient, ImageInput
from .models import (ClipDevice, ExecutionMode, GPUResourceStatus, GpuTakeBack, IdleUnloadEvent, ModeChangedEvent,
                     ModelState, OllamaModel, OllamaUnload, ResourceChangedEvent, Statistics, StreamInterruption,
                     VRAMInfo)

T = TypeVar("T")
E = TypeVar("E")
Listener = Callable[[E], Union[None, Awaitable[None]]]


class AsyncGpuResourceManagerClient:
    """The same names as :class:`GpuResourceManagerClient`, as coroutines, with the same timeouts and errors
    (:class:`GpuRmTimeout` for every timeout).

    Its calls run in a pool of ``workers`` threads, each with its own kept-alive connection: a pool of at most
    ``workers`` connections, so that many calls can be in flight at once (a mode switch that takes minutes holds
    one). ``await shutdown()``, or ``async with``, stops the event thread and closes the connections.
    """

    def __init__(self, client: GpuResourceManagerClient, *, workers: int = 4) -> None:
        self.sync = client
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gpurm-async")

    @classmethod
    async def connect(cls, base_url: Optional[str] = None, token: Optional[str] = None, *,
                      api_info_path: Optional[Union[str, "os.PathLike[str]"]] = None,
                      timeout: float = DEFAULT_TIMEOUT_S, transition_timeout: float = DEFAULT_TRANSITION_TIMEOUT_S,
                      check: bool = True) -> "AsyncGpuResourceManagerClient":
        """As :meth:`GpuResourceManagerClient.connect`."""
        connect = functools.partial(GpuResourceManagerClient.connect, base_url, token, api_info_path=api_info_path,
                                    timeout=timeout, transition_timeout=transition_timeout, check=False)
        client = cls(await asyncio.get_running_loop().run_in_executor(None, connect))
        if check:  # on the client's own pool, whose threads keep the connections
            try:
                await client.get_status()
            except BaseException:
                await client.shutdown()
                raise
        return client

    async def _run(self, call: Callable[..., T], *args: Any) -> T:
        try:
            future = asyncio.get_running_loop().run_in_executor(self._executor, functools.partial(call, *args))
        except RuntimeError as e:  # the pool was shut down
            raise ClientClosedError("this AsyncGpuResourceManagerClient was shut down: make a new one") from e
        return await future

    async def set_execution_mode(self, mode: Union[ExecutionMode, str]) -> GPUResourceStatus:
        """Switches mode; returns once the transition completed, with the status reached.
        :class:`TransitionTimeoutError` when the app's wait ran out, :class:`GpuRmTimeout` after
        ``transition_timeout`` s."""
        return await self._run(self.sync.set_execution_mode, mode)

    async def get_execution_mode(self) -> ExecutionMode:
        """The current mode. :class:`GpuRmTimeout` after ``timeout`` s."""
        return await self._run(self.sync.get_execution_mode)

    async def free_gpu_for_recording(self) -> GpuTakeBack:
        """Takes the GPU back from other Ollama clients and switches to RECORDING.
        :class:`TransitionTimeoutError`, :class:`GpuRmTimeout` after ``transition_timeout`` s."""
        return await self._run(self.sync.free_gpu_for_recording)

    async def ensure_vlm_loaded(self) -> bool:
        """Loads the VLM if needed; True once loaded, False when it cannot be. :class:`GpuRmTimeout` after
        ``transition_timeout`` s."""
        return await self._run(self.sync.ensure_vlm_loaded)

    async def ensure_vlm_unloaded(self) -> bool:
        """Unloads the VLM if needed; True once its VRAM is back. :class:`ModeConflict` in RECORDING
        (nothing changed). :class:`GpuRmTimeout` after ``transition_timeout`` s."""
        return await self._run(self.sync.ensure_vlm_unloaded)

    async def is_vlm_loaded(self) -> bool:
        """True when the status says the VLM is loaded. :class:`GpuRmTimeout` after ``timeout`` s."""
        return await self._run(self.sync.is_vlm_loaded)

    async def get_vlm_state(self) -> ModelState:
        """The VLM's state. :class:`GpuRmTimeout` after ``timeout`` s."""
        return await self._run(self.sync.get_vlm_state)

    async def get_clip_device(self) -> ClipDevice:
        """Where CLIP runs (``ClipDevice.CPU`` or ``.CUDA``). :class:`GpuRmTimeout` after ``timeout`` s."""
        return await self._run(self.sync.get_clip_device)

    async def migrate_clip_to_gpu(self) -> bool:
        """True when CLIP is on the GPU now; False when refused. :class:`GpuRmTimeout` after
        ``transition_timeout`` s."""
        return await self._run(self.sync.migrate_clip_to_gpu)

    async def migrate_clip_to_cpu(self) -> bool:
        """True when CLIP is on the CPU now. :class:`GpuRmTimeout` after ``transition_timeout`` s."""
        return await self._run(self.sync.migrate_clip_to_cpu)

    async def embed_image(self, image: ImageInput) -> List[float]:
        """CLIP's L2-normalized embedding of a PNG or JPEG, a path, or a PIL image. :class:`GpuRmTimeout`
        after ``timeout`` s."""
        return await self._run(self.sync.embed_image, image)

    async def list_ollama_models(self) -> List[OllamaModel]:
        """Every model Ollama holds now, the VLM marked. :class:`ApiError` 502 when Ollama cannot be asked;
        :class:`GpuRmTimeout` after ``timeout`` s."""
        return await self._run(self.sync.list_ollama_models)

    async def unload_ollama_model(self, model: str) -> OllamaUnload:
        """Unloads a model other than the VLM (the VLM: :class:`ApiError` 409); returns once it is gone.
        :class:`TransitionTimeoutError`, :class:`GpuRmTimeout` after ``transition_timeout`` s."""
        return await self._run(self.sync.unload_ollama_model, model)

    async def get_statistics(self) -> Statistics:
        """Today and this week, from the app's journal. :class:`GpuRmTimeout` after ``timeout`` s."""
        return await self._run(self.sync.get_statistics)

    async def is_healthy(self) -> bool:
        """True when the app answers ``/health``; False when no app listens. :class:`GpuRmTimeout` after ``timeout`` s."""
        return await self._run(self.sync.is_healthy)

    async def get_metrics(self) -> str:
        """The app's Prometheus text exposition (``/metrics``). :class:`GpuRmTimeout` after ``timeout`` s."""
        return await self._run(self.sync.get_metrics)

    async def get_openapi(self) -> Dict[str, Any]:
        """The control API's OpenAPI 3.1 document as the app serves it. :class:`GpuRmTimeout` after ``timeout`` s."""
        return await self._run(self.sync.get_openapi)

    async def get_status(self) -> GPUResourceStatus:
        """The whole status. :class:`GpuRmTimeout` after ``timeout`` s."""
        return await self._run(self.sync.get_status)

    async def get_vram_usage(self) -> VRAMInfo:
        """The managed GPU's memory. :class:`GpuRmTimeout` after ``timeout`` s."""
        return await self._run(self.sync.get_vram_usage)

    async def recent_events(self) -> List[ResourceChangedEvent]:
        """The app's last 500 events, oldest first. :class:`GpuRmTimeout` after ``timeout`` s."""
        return await self._run(self.sync.recent_events)

    async def on_resource_changed(self, callback: Listener[ResourceChangedEvent]) -> Subscription:
        """Calls ``callback`` (a function or a coroutine function) on this loop with every event, in order."""
        return await self._run(self.sync.on_resource_changed, self._on_loop(callback))

    async def on_mode_changed(self, callback: Listener[ModeChangedEvent]) -> Subscription:
        """Calls ``callback`` on this loop with every mode change."""
        return await self._run(self.sync.on_mode_changed, self._on_loop(callback))

    async def on_idle_unload(self, callback: Listener[IdleUnloadEvent]) -> Subscription:
        """Calls ``callback`` on this loop when the app unloads the idle VLM."""
        return await self._run(self.sync.on_idle_unload, self._on_loop(callback))

    async def on_stream_interrupted(self, callback: Listener[StreamInterruption]) -> Subscription:
        """Calls ``callback`` on this loop when the event stream is back after an interruption, with the
        status read again and the events missed (see
        :meth:`GpuResourceManagerClient.on_stream_interrupted`)."""
        return await self._run(self.sync.on_stream_interrupted, self._on_loop(callback))

    async def wait_until_listening(self, timeout: Optional[float] = 10.0) -> bool:
        """Starts the event stream if needed; True once it is connected."""
        return await self._run(self.sync.wait_until_listening, timeout)

    @staticmethod
    def _on_loop(callback: Listener[E]) -> Callable[[E], None]:
        """The callback, moved from the event thread onto the caller's loop (in order)."""
        loop = asyncio.get_running_loop()

        def call(event: E) -> None:
            result = callback(event)
            if inspect.isawaitable(result):
                asyncio.ensure_future(result)

        def deliver(event: E) -> None:
            if not loop.is_closed():
                loop.call_soon_threadsafe(call, event)
        return deliver

    async def shutdown(self, timeout: float = 5.0) -> bool:
        """Stops the event thread, closes every kept connection (a call in flight fails) and the thread pool; later
        calls raise :class:`ClientClosedError`. True once the event thread ended within ``timeout`` s."""
        stopped = await asyncio.get_running_loop().run_in_executor(None, self.sync.shutdown, timeout)
        self._executor.shutdown(wait=False)
        return stopped

    async def aclose(self) -> None:
        """:meth:`shutdown`."""
        await self.shutdown()

    async def __aenter__(self) -> "AsyncGpuResourceManagerClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


__all__ = ["AsyncGpuResourceManagerClient"]
