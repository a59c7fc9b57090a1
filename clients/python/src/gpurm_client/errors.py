"""What can go wrong talking to the GPU Resource Manager, each with a message that says what to do."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from .models import GPUResourceStatus


class GpuRmError(Exception):
    """Base of every error this client raises."""


class GpuRmTimeout(GpuRmError, TimeoutError):
    """A wait ran out: connecting, sending, or waiting for the answer (the client's ``timeout`` or
    ``transition_timeout``), or the app's own wait for a transition (:class:`TransitionTimeoutError`, a 504).

    Every timeout this client meets is one of these, sync or asyncio: ``except TimeoutError`` catches it too. The
    operation may still go on in the app; the connection it used is closed, never reused.
    """


class AppNotRunningError(GpuRmError):
    """The app is not running: no api.json, nothing answers at its address, or it stopped during a call."""


class AuthenticationError(GpuRmError):
    """The app refused the token (401): it was restarted since api.json was read, or the token is wrong."""


class ClientClosedError(GpuRmError):
    """The client was shut down (:meth:`GpuResourceManagerClient.shutdown`); make a new one."""


class ApiError(GpuRmError):
    """The app answered with an error status; ``message`` is its ``{"error": ...}``."""

    def __init__(self, status: int, message: str, method: str, path: str, body: Optional[Any] = None) -> None:
        super().__init__(f"{method} {path} answered {status}: {message}")
        self.status = status
        self.message = message
        self.body = body


class ModeConflict(ApiError):
    """The request contradicts the current mode (409), e.g. ``ensure_vlm_unloaded()`` in RECORDING, whose desired
    state is the VLM loaded: switch mode first. Nothing was changed."""


class TransitionTimeoutError(ApiError, GpuRmTimeout):
    """The operation did not finish within the app's wait (504); it goes on in the app. ``message`` is one short
    sentence; after a mode switch, :attr:`status_reached` is where the transition got."""

    @property
    def status_reached(self) -> "Optional[GPUResourceStatus]":
        """The status the transition reached (the 504's ``status``, only a mode switch sends one), else None."""
        from .models import GPUResourceStatus
        status = self.body.get("status") if isinstance(self.body, dict) else None
        return GPUResourceStatus.from_json(status) if isinstance(status, dict) else None
