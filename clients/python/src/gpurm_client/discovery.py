"""Where the running app writes ``api.json`` (its address and this run's token), as ``AppPaths.java`` decides.

Windows: ``%LOCALAPPDATA%\\GpuResourceManager\\api.json``. Elsewhere: ``$XDG_DATA_HOME/gpu-resource-manager/api.json``
(``~/.local/share`` when the variable is unset, blank or relative, as XDG says).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from .errors import AppNotRunningError, GpuRmError

WINDOWS_FOLDER = "GpuResourceManager"
XDG_FOLDER = "gpu-resource-manager"
API_INFO_FILE = "api.json"


def _absolute_or(value: Optional[str], fallback: Path) -> Path:
    if value is None or not value.strip():
        return fallback
    path = Path(value)
    return path if path.is_absolute() else fallback


def default_api_info_path(env: Optional[Mapping[str, str]] = None, platform: Optional[str] = None,
                          home: Optional[Path] = None) -> Path:
    """The api.json the app writes for this user (arguments default to this process's)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    home = Path.home() if home is None else home
    if platform.lower().startswith("win"):
        local = _absolute_or(env.get("LOCALAPPDATA"), home / "AppData" / "Local")
        return local / WINDOWS_FOLDER / API_INFO_FILE
    data = _absolute_or(env.get("XDG_DATA_HOME"), home / ".local" / "share")
    return data / XDG_FOLDER / API_INFO_FILE


@dataclass(frozen=True)
class ApiInfo:
    base_url: str
    token: str
    path: Path


def read_api_info(path: Path) -> ApiInfo:
    """Reads api.json; a missing file means the app is not running (it removes the file when it stops)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AppNotRunningError(
            f"The GPU Resource Manager is not running: there is no {path} (the app writes it at start and removes "
            "it at stop). Start the app (gpu-resource-manager, or --headless), or pass base_url and token.") from None
    except OSError as e:
        raise GpuRmError(f"cannot read {path}: {e}") from e
    try:
        info = json.loads(text)
        return ApiInfo(base_url=str(info["base_url"]).rstrip("/"), token=str(info["token"]), path=path)
    except (ValueError, KeyError, TypeError) as e:
        raise GpuRmError(f"{path} is not the app's api.json (base_url and token expected): {e}") from e
