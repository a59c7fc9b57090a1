"""The asyncio twin: the design's ``async def``s, for an agent whose loop must never block.

Each call runs the synchronous client's in a small thread pool of its own (a mode switch can take minutes, and
must not starve the loop's default executor), so both clients share one implementation of the API's rules:
errors, token refresh, the event stream. The standard library has no asyncio HTTP client, and one written on
asyncio streams would be a second copy of all that. Listeners are called on the event loop; a coroutine
function is awaited there as a task.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Awaitable, Callable, List, Optional, TypeVar, Union

from ._events import Subscription
from .client import DEFAULT_TIMEOUT_S, DEFAULT_TRANSITION_TIMEOUT_S, GpuResourceManagerClient, ImageInput
from .models import (ExecutionMode, GPUResourceStatus, GpuTakeBack, IdleUnloadEvent, ModeChangedEvent, ModelState,
                     ResourceChangedEvent, VRAMInfo)

T = TypeVar("T")
E = TypeVar("E")
Listener = Callable[[E], Union[None, Awaitable[None]]]


class AsyncGpuResourceManagerClient:
    """The same names as :class:`GpuResourceManagerClient`, as coroutines."""

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
                                    timeout=timeout, transition_timeout=transition_timeout, check=check)
        client = await asyncio.get_running_loop().run_in_executor(None, connect)
        return cls(client)

    async def _run(self, call: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, functools.partial(call, *args))

    async def set_execution_mode(self, mode: Union[ExecutionMode, str]) -> GPUResourceStatus:
        return await self._run(self.sync.set_execution_mode, mode)

    async def get_execution_mode(self) -> ExecutionMode:
        return await self._run(self.sync.get_execution_mode)

    async def free_gpu_for_recording(self) -> GpuTakeBack:
        return await self._run(self.sync.free_gpu_for_recording)

    async def ensure_vlm_loaded(self) -> bool:
        return await self._run(self.sync.ensure_vlm_loaded)

    async def ensure_vlm_unloaded(self) -> bool:
        return await self._run(self.sync.ensure_vlm_unloaded)

    async def is_vlm_loaded(self) -> bool:
        return await self._run(self.sync.is_vlm_loaded)

    async def get_vlm_state(self) -> ModelState:
        return await self._run(self.sync.get_vlm_state)

    async def get_clip_device(self) -> str:
        return await self._run(self.sync.get_clip_device)

    async def migrate_clip_to_gpu(self) -> bool:
        return await self._run(self.sync.migrate_clip_to_gpu)

    async def migrate_clip_to_cpu(self) -> bool:
        return await self._run(self.sync.migrate_clip_to_cpu)

    async def embed_image(self, image: ImageInput) -> List[float]:
        return await self._run(self.sync.embed_image, image)

    async def get_status(self) -> GPUResourceStatus:
        return await self._run(self.sync.get_status)

    async def get_vram_usage(self) -> VRAMInfo:
        return await self._run(self.sync.get_vram_usage)

    async def recent_events(self) -> List[ResourceChangedEvent]:
        return await self._run(self.sync.recent_events)

    async def on_resource_changed(self, callback: Listener[ResourceChangedEvent]) -> Subscription:
        return await self._run(self.sync.on_resource_changed, self._on_loop(callback))

    async def on_mode_changed(self, callback: Listener[ModeChangedEvent]) -> Subscription:
        return await self._run(self.sync.on_mode_changed, self._on_loop(callback))

    async def on_idle_unload(self, callback: Listener[IdleUnloadEvent]) -> Subscription:
        return await self._run(self.sync.on_idle_unload, self._on_loop(callback))

    async def wait_until_listening(self, timeout: Optional[float] = 10.0) -> bool:
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

    async def aclose(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.sync.close)
        self._executor.shutdown(wait=False)

    async def __aenter__(self) -> "AsyncGpuResourceManagerClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


__all__ = ["AsyncGpuResourceManagerClient"]
