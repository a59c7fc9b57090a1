"""Python client of the GPU Resource Manager (RPA Vision V3), with the design's interface.

    from gpurm_client import GpuResourceManagerClient, ExecutionMode
    grm = GpuResourceManagerClient.connect()
    grm.set_execution_mode(ExecutionMode.RECORDING)
"""

from ._events import Subscription
from .aio import AsyncGpuResourceManagerClient
from .client import GpuResourceManagerClient
from .discovery import ApiInfo, default_api_info_path, read_api_info
from .errors import ApiError, AppNotRunningError, AuthenticationError, GpuRmError, TransitionTimeoutError
from .models import (ClipInfo, Drift, ExecutionMode, GPUResourceStatus, GpuProcess, GpuTakeBack, IdleUnloadEvent,
                     ModeChangedEvent, ModelState, ModelUnload, ResourceChangedEvent, VRAMInfo, VramBreakdown)

__version__ = "0.1.0"

__all__ = [
    "ApiError", "ApiInfo", "AppNotRunningError", "AsyncGpuResourceManagerClient", "AuthenticationError", "ClipInfo",
    "Drift", "ExecutionMode", "GPUResourceStatus", "GpuProcess", "GpuResourceManagerClient", "GpuTakeBack", "GpuRmError", "IdleUnloadEvent",
    "ModeChangedEvent", "ModelState", "ModelUnload", "ResourceChangedEvent", "Subscription", "TransitionTimeoutError", "VRAMInfo", "VramBreakdown",
    "default_api_info_path", "read_api_info",
]
