"""What can go wrong talking to the GPU Resource Manager, each with a message that says what to do."""

from __future__ import annotations

from typing import Any, Optional


class GpuRmError(Exception):
    """Base of every error this client raises."""


class AppNotRunningError(GpuRmError):
    """The app is not running: no api.json, nothing answers at its address, or it stopped during a call."""


class AuthenticationError(GpuRmError):
    """The app refused the token (401): it was restarted since api.json was read, or the token is wrong."""


class ApiError(GpuRmError):
    """The app answered with an error status; ``message`` is its ``{"error": ...}``."""

    def __init__(self, status: int, message: str, method: str, path: str, body: Optional[Any] = None) -> None:
        super().__init__(f"{method} {path} answered {status}: {message}")
        self.status = status
        self.message = message
        self.body = body


class TransitionTimeoutError(ApiError):
    """The operation did not finish within the app's wait (504); it goes on in the app."""
