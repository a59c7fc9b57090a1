"""Python client of the GPU Resource Manager (RPA Vision V3), with the design's interface.

    from gpurm_client import GpuResourceManagerClient, ExecutionMode
    grm = GpuResourceManagerClient.connect()
    grm.set_execution_mode(ExecutionMode.RECORDING)
"""

from ._events import Subscription
from .aio import AsyncGpuResourceManagerClient
from .client import GpuResourceManagerClient
from .discovery import ApiInfo, default_api_info_path, read_api_info
from ._http import ConnectionLostError
from .errors import (ApiError, AppNotRunningError, AuthenticationError, ClientClosedError, GpuRmError, GpuRmTimeout,
                     ModeConflict, TransitionTimeoutError)
from .models import (ClipDevice, ClipInfo, Drift, ExecutionMode, GPUResourceStatus, GpuProcess, GpuTakeBack,
                     IdleUnloadEvent, ModeChangedEvent, ModelState, ModelUnload, OllamaModel, OllamaUnload,
                     ResourceChangedEvent, Statistics, StatisticsPeriod, StreamInterruption, VRAMInfo, VramBreakdown)

__version__ = "0.1.0"

__all__ = [
    "ApiError", "ApiInfo", "AppNotRunningError", "AsyncGpuResourceManagerClient", "AuthenticationError",
    "ClientClosedError", "ClipDevice", "ClipInfo", "ConnectionLostError", "Drift", "ExecutionMode",
    "GPUResourceStatus", "GpuProcess", "GpuResourceManagerClient", "GpuRmError", "GpuRmTimeout", "GpuTakeBack",
    "IdleUnloadEvent", "ModeChangedEvent", "ModeConflict", "ModelState", "ModelUnload", "OllamaModel", "OllamaUnload",
    "ResourceChangedEvent", "Statistics", "StatisticsPeriod", "StreamInterruption", "Subscription", "TransitionTimeoutError", "VRAMInfo", "VramBreakdown",
    "default_api_info_path", "read_api_info",
]
