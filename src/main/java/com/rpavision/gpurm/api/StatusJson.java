package com.rpavision.gpurm.api;

import com.rpavision.gpurm.core.model.GpuProcess;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.VramInfo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The design's GPUResourceStatus as the agent reads it: snake_case keys, lower-case enum names. */
public final class StatusJson {

    private StatusJson() {
    }

    public static Map<String, Object> of(GpuResourceStatus s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("execution_mode", s.executionMode().wireName());
        json.put("vlm_state", s.vlmState().wireName());
        json.put("vlm_model", s.vlmModel());
        json.put("clip_device", s.clipDevice());
        json.put("vram", vram(s.vram()));
        json.put("idle_timeout_seconds", s.idleTimeoutSeconds());
        json.put("last_vlm_request", s.lastVlmRequest() == null ? null : s.lastVlmRequest().toString());
        json.put("degraded_mode", s.degradedMode());
        json.put("degraded_reason", s.degradedReason());
        json.put("vlm_error", s.vlmStateReason());
        Map<String, Object> clip = new LinkedHashMap<>();
        clip.put("availability", s.clip().availability().name().toLowerCase());
        clip.put("device", s.clip().device().wireName());
        clip.put("reason", s.clip().reason());
        clip.put("cuda_unavailable_reason", s.clip().cudaUnavailableReason());
        clip.put("vram_mb", s.clipVramMb());
        json.put("clip", clip);
        json.put("gpus", s.gpus().stream().map(StatusJson::vram).toList());
        json.put("processes", processes(s.processes()));
        json.put("process_memory_known", s.processMemoryKnown());
        json.put("vlm_observed_at", s.vlmObservedAt() == null ? null : s.vlmObservedAt().toString());
        json.put("conditions", s.conditions().stream().map(r -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("condition", r.code().name().toLowerCase(java.util.Locale.ROOT));
            c.put("reason", r.text());
            return c;
        }).toList());
        json.put("last_drift", s.lastDrift() == null ? null : drift(s.lastDrift()));
        json.put("vram_breakdown", s.vramBreakdown() == null ? null : breakdown(s.vramBreakdown()));
        return json;
    }

    private static Map<String, Object> breakdown(com.rpavision.gpurm.core.model.VramBreakdown b) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("total_mb", b.totalMb());
        json.put("vlm_mb", b.vlmMb());
        json.put("clip_mb", b.clipMb());
        json.put("other_models", b.otherModels().stream().map(m -> {
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("name", m.name());
            model.put("vram_mb", m.vramMb());
            return model;
        }).toList());
        json.put("other_processes_mb", b.otherProcessesMb());
        json.put("free_mb", b.freeMb());
        if (b.vlmFit() == null) {
            json.put("vlm_fit", null);
        } else {
            Map<String, Object> fit = new LinkedHashMap<>();
            fit.put("need_mb", b.vlmFit().needMb());
            fit.put("available_mb", b.vlmFit().availableMb());
            fit.put("fits", b.vlmFit().fits());
            json.put("vlm_fit", fit);
        }
        return json;
    }

    private static Map<String, Object> drift(com.rpavision.gpurm.core.model.VlmDrift d) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("at", d.at().toString());
        json.put("cause", d.cause().wireName());
        json.put("expected", d.expected());
        json.put("observed", d.observed());
        json.put("other_model", d.otherModel());
        json.put("other_mb", d.otherMb());
        json.put("client", d.client());
        return json;
    }

    private static Map<String, Object> vram(VramInfo v) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("index", v.index());
        json.put("total_mb", v.totalMb());
        json.put("used_mb", v.usedMb());
        json.put("free_mb", v.freeMb());
        json.put("gpu_name", v.gpuName());
        json.put("gpu_utilization_percent", v.gpuUtilizationPercent());
        json.put("temperature_c", orNull(v.sensors().temperatureC()));
        json.put("power_w", orNull(v.sensors().powerWatts()));
        json.put("power_limit_w", orNull(v.sensors().powerLimitWatts()));
        json.put("shared_mb", v.sharedMb().isPresent() ? v.sharedMb().getAsLong() : null);
        return json;
    }

    private static Integer orNull(java.util.OptionalInt value) {
        return value.isPresent() ? value.getAsInt() : null;
    }

    private static List<Map<String, Object>> processes(List<GpuProcess> processes) {
        return processes.stream().map(p -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("gpu_index", p.gpuIndex());
            json.put("pid", p.pid());
            json.put("name", p.name());
            json.put("used_mb", p.usedMb().isPresent() ? p.usedMb().getAsLong() : null);
            json.put("model", p.model());
            return json;
        }).toList();
    }
}
