"""The design's data model (ExecutionMode, ModelState, VRAMInfo, GPUResourceStatus, ...), read from the API's JSON.

Unknown fields the app adds later are kept in ``raw`` and otherwise ignored, so a newer app does not break an
older client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Any, Dict, List, Mapping, Optional


class ExecutionMode(str, Enum):
    IDLE = "idle"
    RECORDING = "recording"
    AUTOPILOT = "autopilot"


class ClipDevice(str, Enum):
    """Where CLIP runs; a ``str``, so ``grm.get_clip_device() == "cpu"`` holds."""
    CPU = "cpu"
    CUDA = "cuda"


class ModelState(str, Enum):
    UNLOADED = "unloaded"
    LOADING = "loading"
    LOADED = "loaded"
    UNLOADING = "unloading"
    ERROR = "error"


_INSTANT = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$")


def parse_timestamp(text: Optional[str]) -> Optional[datetime]:
    """An ISO-8601 instant as Java writes it (``Z``, up to nine fraction digits) as an aware datetime."""
    if text is None:
        return None
    match = _INSTANT.match(text)
    if not match:
        raise ValueError(f"not an ISO-8601 timestamp: {text!r}")
    base, fraction, zone = match.groups()
    if len(base) == 16:
        base += ":00"
    micros = (fraction or "").ljust(6, "0")[:6]
    offset = "+00:00" if zone in (None, "Z") else zone
    parsed = datetime.fromisoformat(f"{base}.{micros}{offset}")
    return parsed.astimezone(timezone.utc)


@dataclass(frozen=True)
class VRAMInfo:
    """Memory of one GPU in MiB; without a GPU, index -1, "no GPU" and zeros."""

    total_mb: int
    used_mb: int
    free_mb: int
    gpu_name: str
    gpu_utilization_percent: int
    index: int = 0
    temperature_c: Optional[int] = None
    """None where the driver gives no temperature."""
    power_w: Optional[int] = None
    """None where the driver gives no power draw (many laptop GPUs)."""
    power_limit_w: Optional[int] = None
    shared_mb: Optional[int] = None
    """Windows only: allocations the driver placed in system RAM (shared GPU memory); None elsewhere."""

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> "VRAMInfo":
        return cls(total_mb=int(json["total_mb"]), used_mb=int(json["used_mb"]), free_mb=int(json["free_mb"]),
                   gpu_name=str(json["gpu_name"]), gpu_utilization_percent=int(json["gpu_utilization_percent"]),
                   index=int(json.get("index", 0)), temperature_c=_optional_int(json.get("temperature_c")),
                   power_w=_optional_int(json.get("power_w")), power_limit_w=_optional_int(json.get("power_limit_w")),
                   shared_mb=_optional_int(json.get("shared_mb")))


def _optional_int(value: Any) -> Optional[int]:
    return None if value is None else int(value)


@dataclass(frozen=True)
class ClipInfo:
    """Whether CLIP can run, where, and why not elsewhere."""

    availability: str
    device: str
    reason: Optional[str]
    cuda_unavailable_reason: Optional[str]
    vram_mb: Optional[int]

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> "ClipInfo":
        return cls(availability=json["availability"], device=json["device"], reason=json.get("reason"),
                   cuda_unavailable_reason=json.get("cuda_unavailable_reason"), vram_mb=json.get("vram_mb"))


@dataclass(frozen=True)
class GpuProcess:
    gpu_index: int
    pid: int
    name: str
    used_mb: Optional[int]
    model: Optional[str] = None
    """For an Ollama runner, the model it serves (matched by memory); None for other processes or when unclear."""

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> "GpuProcess":
        return cls(gpu_index=json["gpu_index"], pid=json["pid"], name=json["name"], used_mb=json.get("used_mb"),
                   model=json.get("model"))


@dataclass(frozen=True)
class Drift:
    """A change someone else made to Ollama or the GPU, as the manager observed it (cause: evicted, expired, ...)."""

    at: Optional[datetime]
    cause: str
    expected: str
    observed: str
    other_model: Optional[str] = None
    other_mb: int = 0
    client: Optional[str] = None
    """The User-Agent of the client whose request through the manager's Ollama proxy caused it, if one did."""

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> "Drift":
        return cls(at=parse_timestamp(json.get("at")), cause=json["cause"], expected=json.get("expected", ""),
                   observed=json.get("observed", ""), other_model=json.get("other_model"),
                   other_mb=int(json.get("other_mb") or 0), client=json.get("client"))


@dataclass(frozen=True)
class VramBreakdown:
    """Who holds the managed GPU's memory, in MiB: the VLM, CLIP, other Ollama models (name to MiB), other programs."""

    total_mb: int
    vlm_mb: int
    clip_mb: int
    other_models: Dict[str, int]
    other_processes_mb: int
    free_mb: int
    vlm_need_mb: Optional[int] = None
    """What a VLM load would need (its size at the last load); None until known."""
    vlm_available_mb: Optional[int] = None
    """What a VLM load could have now, as the manager's preflight counts it."""

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> "VramBreakdown":
        fit = json.get("vlm_fit") or {}
        return cls(total_mb=int(json["total_mb"]), vlm_mb=int(json["vlm_mb"]), clip_mb=int(json["clip_mb"]),
                   other_models={m["name"]: int(m["vram_mb"]) for m in json.get("other_models", [])},
                   other_processes_mb=int(json["other_processes_mb"]), free_mb=int(json["free_mb"]),
                   vlm_need_mb=fit.get("need_mb"), vlm_available_mb=fit.get("available_mb"))


@dataclass(frozen=True)
class GPUResourceStatus:
    """The design's status (its nine fields first), then what the app adds."""

    execution_mode: ExecutionMode
    vlm_state: ModelState
    vlm_model: str
    clip_device: ClipDevice
    vram: VRAMInfo
    idle_timeout_seconds: int
    last_vlm_request: Optional[datetime]
    degraded_mode: bool
    degraded_reason: Optional[str]
    vlm_error: Optional[str] = None
    clip: Optional[ClipInfo] = None
    gpus: List[VRAMInfo] = field(default_factory=list)
    processes: List[GpuProcess] = field(default_factory=list)
    process_memory_known: bool = True
    vlm_observed_at: Optional[datetime] = None
    """When Ollama last confirmed ``vlm_state``: the age of that field as a measurement."""
    conditions: Dict[str, str] = field(default_factory=dict)
    """Conditions in force (vlm_contended, vlm_partly_on_cpu, clip_displaced, vlm_settling,
    storage_unwritable), each with its reason."""
    last_drift: Optional[Drift] = None
    vram_breakdown: Optional[VramBreakdown] = None
    """The managed GPU's memory by holder; None without a GPU."""
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> "GPUResourceStatus":
        clip = json.get("clip")
        return cls(
            execution_mode=ExecutionMode(json["execution_mode"]),
            vlm_state=ModelState(json["vlm_state"]),
            vlm_model=json["vlm_model"],
            clip_device=ClipDevice(json["clip_device"]),
            vram=VRAMInfo.from_json(json["vram"]),
            idle_timeout_seconds=int(json["idle_timeout_seconds"]),
            last_vlm_request=parse_timestamp(json.get("last_vlm_request")),
            degraded_mode=bool(json["degraded_mode"]),
            degraded_reason=json.get("degraded_reason"),
            vlm_error=json.get("vlm_error"),
            clip=ClipInfo.from_json(clip) if clip else None,
            gpus=[VRAMInfo.from_json(g) for g in json.get("gpus", [])],
            processes=[GpuProcess.from_json(p) for p in json.get("processes", [])],
            process_memory_known=bool(json.get("process_memory_known", True)),
            vlm_observed_at=parse_timestamp(json.get("vlm_observed_at")),
            conditions={c["condition"]: c.get("reason", "") for c in json.get("conditions", [])},
            last_drift=Drift.from_json(json["last_drift"]) if json.get("last_drift") else None,
            vram_breakdown=VramBreakdown.from_json(json["vram_breakdown"]) if json.get("vram_breakdown") else None,
            raw=dict(json),
        )


@dataclass(frozen=True)
class ModelUnload:
    """One model "free the GPU for recording" unloaded, or failed to (``reason`` says why)."""

    model: str
    ok: bool
    vram_freed_mb: int
    reason: Optional[str] = None

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> "ModelUnload":
        return cls(model=json["model"], ok=bool(json["ok"]), vram_freed_mb=int(json["vram_freed_mb"]),
                   reason=json.get("reason"))


@dataclass(frozen=True)
class GpuTakeBack:
    """What "free the GPU for recording" did: the other models unloaded, and the status after (RECORDING)."""

    unloaded: List[ModelUnload]
    vram_freed_mb: int
    status: "GPUResourceStatus"

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> "GpuTakeBack":
        return cls(unloaded=[ModelUnload.from_json(u) for u in json.get("unloaded", [])],
                   vram_freed_mb=int(json["vram_freed_mb"]), status=GPUResourceStatus.from_json(json["status"]))


@dataclass(frozen=True)
class ResourceChangedEvent:
    """The design's event: ``event_type`` is the wire ``type`` (mode_changed, model_loaded, vram_changed, ...)."""

    timestamp: datetime
    event_type: str
    details: Dict[str, Any]

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> "ResourceChangedEvent":
        timestamp = parse_timestamp(json["timestamp"])
        assert timestamp is not None
        return cls(timestamp=timestamp, event_type=str(json["type"]), details=dict(json.get("details") or {}))


@dataclass(frozen=True)
class ModeChangedEvent:
    timestamp: datetime
    from_mode: ExecutionMode
    to_mode: ExecutionMode

    @classmethod
    def from_event(cls, event: ResourceChangedEvent) -> "ModeChangedEvent":
        return cls(event.timestamp, ExecutionMode(event.details["from"]), ExecutionMode(event.details["to"]))


@dataclass(frozen=True)
class IdleUnloadEvent:
    """The VLM was unloaded because nobody asked for it during ``idle_seconds``."""

    timestamp: datetime
    model: str
    idle_seconds: int

    @classmethod
    def from_event(cls, event: ResourceChangedEvent) -> "IdleUnloadEvent":
        return cls(event.timestamp, str(event.details["model"]), int(event.details["idle_seconds"]))


@dataclass(frozen=True)
class StreamInterruption:
    """The event stream broke (the app stopped, restarted, or the connection died) and is back: what a listener
    of :meth:`~gpurm_client.GpuResourceManagerClient.on_stream_interrupted` needs to catch up, level-triggered.

    ``status`` is read again once the stream is back: trust it, not a state remembered from the events. ``missed``
    is, from the app's last 500 events, those after the last one delivered to the listeners (all of a restarted
    app's); an event of the very moment the stream came back may be in it and also delivered by the stream.
    """

    interrupted_at: datetime
    """When this client saw the stream break (its clock; the app runs on the same machine)."""
    resumed_at: datetime
    app_restarted: bool
    """The app came back with another address or token: what the old run did after ``interrupted_at`` is lost."""
    base_url: str
    error: Optional[str]
    """Why the stream broke, or why the last try to reconnect failed."""
    status: Optional[GPUResourceStatus]
    """The status read once back; None when that read failed too (the stream is back all the same)."""
    missed: List[ResourceChangedEvent] = field(default_factory=list)


@dataclass(frozen=True)
class OllamaModel:
    """One model Ollama holds now (its ``/api/ps``), the VLM marked; sizes in MiB."""

    name: str
    vram_mb: int
    size_mb: int
    expires_at: Optional[datetime]
    """When Ollama would unload it (in the past while it is stopping); None when unknown."""
    is_vlm: bool

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> "OllamaModel":
        return cls(name=str(json["name"]), vram_mb=int(json["vram_mb"]), size_mb=int(json["size_mb"]),
                   expires_at=parse_timestamp(json.get("expires_at")), is_vlm=bool(json["is_vlm"]))


@dataclass(frozen=True)
class OllamaUnload:
    """A model other than the VLM, unloaded: the VRAM that came back, and ``reason`` when nothing was done (not
    loaded)."""

    model: str
    vram_freed_mb: int
    reason: Optional[str] = None

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> "OllamaUnload":
        return cls(model=str(json["model"]), vram_freed_mb=int(json["vram_freed_mb"]), reason=json.get("reason"))


@dataclass(frozen=True)
class StatisticsPeriod:
    """What happened from ``start`` to ``end``, as the app's Statistics tab shows it; durations in seconds or ms."""

    start: datetime
    end: datetime
    seconds_in_mode: Dict[ExecutionMode, int]
    """Seconds spent in each mode; a mode never entered is left out."""
    vlm_loads: int
    load_p50_ms: Optional[int]
    """None without a load in the period."""
    load_p95_ms: Optional[int]
    idle_unloads: int
    degraded_seconds: int
    clip_moves: int

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> "StatisticsPeriod":
        start, end = parse_timestamp(json["from"]), parse_timestamp(json["to"])
        assert start is not None and end is not None
        return cls(start=start, end=end,
                   seconds_in_mode={ExecutionMode(m): int(s) for m, s in (json.get("seconds_in_mode") or {}).items()},
                   vlm_loads=int(json["vlm_loads"]), load_p50_ms=_optional_int(json.get("load_p50_ms")),
                   load_p95_ms=_optional_int(json.get("load_p95_ms")), idle_unloads=int(json["idle_unloads"]),
                   degraded_seconds=int(json["degraded_seconds"]), clip_moves=int(json["clip_moves"]))


@dataclass(frozen=True)
class Statistics:
    """Today and this week (from Monday, the station's local time), read from the app's journal."""

    today: StatisticsPeriod
    this_week: StatisticsPeriod

    @classmethod
    def from_json(cls, json: Mapping[str, Any]) -> "Statistics":
        return cls(today=StatisticsPeriod.from_json(json["today"]),
                   this_week=StatisticsPeriod.from_json(json["this_week"]))
