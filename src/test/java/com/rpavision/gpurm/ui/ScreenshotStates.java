package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ClipStatus;
import com.rpavision.gpurm.core.model.DriftCause;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.core.model.VlmDrift;
import com.rpavision.gpurm.core.model.VramBreakdown;
import com.rpavision.gpurm.core.model.VramBreakdown.ModelUse;
import com.rpavision.gpurm.core.model.VramInfo;

import java.time.Instant;
import java.util.List;

/** The manager's status as it reads in each state the screenshot set shows, from a real snapshot. */
final class ScreenshotStates {

    /** The model that keeps taking the VLM's place in the contended state. */
    private static final String GUEST = "llama3.1:8b";
    private static final long GUEST_MB = 5_200;

    private ScreenshotStates() {
    }

    static GpuResourceStatus status(DashboardScreenshotTest.State state, GpuResourceStatus s, Instant now) {
        return switch (state) {
            // a load starts once the manager has moved CLIP to the CPU
            case LOADING -> with(s, ExecutionMode.RECORDING, ModelState.LOADING, false, List.of(), null, List.of(), null, true);
            case ERROR -> with(s, s.executionMode(), ModelState.ERROR, false, List.of(),
                    Reason.of(Reason.Code.MODEL_NOT_PULLED, "Model qwen3-vl:8b is not pulled", s.vlmModel()), List.of(), null, false);
            case DEGRADED -> with(s, s.executionMode(), ModelState.UNLOADED, true,
                    List.of(Reason.of(Reason.Code.OLLAMA_UNREACHABLE, "Ollama is not reachable", "http://localhost:11434")),
                    null, List.of(), null, false);
            case CONTENDED -> with(s, s.executionMode(), ModelState.UNLOADED, false, List.of(), null,
                    List.of(Reason.of(Reason.Code.VLM_CONTENDED, "contended", s.vlmModel(), GUEST, GUEST_MB, 3, 2L)),
                    new VlmDrift(now.minusSeconds(20), DriftCause.EVICTED, "loaded", "gone", GUEST, GUEST_MB), false);
            case SETTLING -> with(s, s.executionMode(), ModelState.UNLOADED, false, List.of(), null,
                    List.of(Reason.of(Reason.Code.VLM_SETTLING, "settling", s.vlmModel(), "10:42:07")), null, false);
            case SPILLED -> new GpuResourceStatus(s.executionMode(), s.vlmState(), s.vlmModel(), s.clipDevice(),
                    s.vram().withSharedMb(2_150), s.idleTimeoutSeconds(), s.lastVlmRequest(), s.degradedMode(),
                    s.degradedReason(), s.vlmStateReason(), s.clip(), s.gpus(), s.processes(), s.processMemoryKnown(),
                    s.gpuProbe(), s.clipVramMb(), s.vlmIdleSince(), s.degradedReasons(), s.vlmError(), s.conditions(),
                    s.lastDrift(), s.vlmObservedAt(), s.vramBreakdown());
            default -> s;
        };
    }

    /** What the manager says of each removal it names, a minute apart, as its events carry them. */
    static List<com.rpavision.gpurm.core.model.ResourceChangedEvent> driftOfEachCause(String vlm, Instant now) {
        Object[][] drifts = {
                {"evicted", "loaded", "gone while " + GUEST + " loaded", GUEST, GUEST_MB},
                {"reloaded_with_other_options", "10500 MB", "11268 MB, back after 1.1 s", null, 0L},
                {"reloaded_with_other_options", "11268 MB", "12036 MB, back after 0.9 s; a request from rpa-agent/3.1"
                        + " through the proxy on /api/chat asked num_ctx=32768", null, 0L, "rpa-agent/3.1"},
                {"ollama_restarted", "loaded", "gone: Ollama restarted (connection closed by Ollama)", null, 0L},
                {"expired", "loaded", "gone when the keep-alive another client set ran out", null, 0L},
                {"unloaded_outside", "loaded", "gone, and nothing took its place (keep_alive 0 or ollama stop)", null, 0L},
                {"cause_unknown", "loaded", "gone for 5.0 s and Ollama's list was still changing", null, 0L}};
        List<com.rpavision.gpurm.core.model.ResourceChangedEvent> events = new java.util.ArrayList<>();
        for (int i = 0; i < drifts.length; i++) {
            Object[] d = drifts[i];
            events.add(com.rpavision.gpurm.core.model.ResourceChangedEvent.of(now.minusSeconds(60L * (drifts.length - i)),
                    com.rpavision.gpurm.core.model.EventType.VLM_DRIFT, "model", vlm, "cause", d[0], "expected", d[1],
                    "observed", d[2], "other_model", d[3], "other_mb", d[4], "client", d.length > 5 ? d[5] : null));
        }
        return events;
    }

    /**
     * Ten minutes of the GPU before the shot, a sample every 5 s: the load and sensors swing as they do while the
     * VLM works, the memory stays as the state has it; a load shown in progress starts after it.
     */
    static List<GpuResourceStatus> history(GpuResourceStatus s) {
        List<GpuResourceStatus> past = new java.util.ArrayList<>();
        ModelState vlm = s.vlmState() == ModelState.LOADING ? ModelState.UNLOADED : s.vlmState();
        VramInfo v = s.vram();
        for (int i = 0; i < 120; i++) {
            double wave = (Math.sin(i / 9.0) + 1) / 2;
            int utilization = (int) Math.round(10 + 70 * wave);
            VramInfo sample = new VramInfo(v.index(), v.gpuName(), v.totalMb(), v.usedMb(), v.freeMb(), utilization,
                    v.uuid(), v.reservedMb(), v.driverVersion(),
                    com.rpavision.gpurm.core.model.GpuSensors.of(45 + utilization / 4, 60 + utilization * 4, 450));
            past.add(new GpuResourceStatus(s.executionMode(), vlm, s.vlmModel(), s.clipDevice(), sample,
                    s.idleTimeoutSeconds(), s.lastVlmRequest(), s.degradedMode(), s.degradedReason(), s.vlmStateReason(),
                    s.clip(), s.gpus(), s.processes(), s.processMemoryKnown(), s.gpuProbe(), s.clipVramMb(),
                    s.vlmIdleSince(), s.degradedReasons(), s.vlmError(), s.conditions(), s.lastDrift(),
                    s.vlmObservedAt(), s.vramBreakdown()));
        }
        return past;
    }

    private static GpuResourceStatus with(GpuResourceStatus s, ExecutionMode mode, ModelState vlm, boolean degraded,
                                          List<Reason> degradedReasons, Reason vlmError, List<Reason> conditions,
                                          VlmDrift drift, boolean clipOnCpu) {
        List<ModelUse> guests = conditions.isEmpty() ? List.of() : List.of(new ModelUse(GUEST, GUEST_MB));
        VramBreakdown parts = vlm == ModelState.LOADED ? s.vramBreakdown() : withoutVlm(s.vramBreakdown(), guests);
        if (clipOnCpu && parts != null) {
            parts = new VramBreakdown(parts.totalMb(), parts.vlmMb(), 0, parts.otherModels(), parts.otherProcessesMb(),
                    parts.freeMb() + parts.clipMb(), parts.vlmFit());
        }
        ClipStatus c = s.clip();
        ClipStatus clip = clipOnCpu ? new ClipStatus(c.availability(), ClipDevice.CPU, c.reason(),
                c.cudaUnavailableReason(), c.why(), c.whyNotCuda()) : c;
        VramInfo vram = s.vram();
        if (parts != null && parts != s.vramBreakdown()) {
            long used = vram.totalMb() - parts.freeMb();
            vram = new VramInfo(vram.index(), vram.gpuName(), vram.totalMb(), used, parts.freeMb(),
                    vram.gpuUtilizationPercent(), vram.uuid(), vram.reservedMb(), vram.driverVersion(), vram.sensors());
        }
        return new GpuResourceStatus(mode, vlm, s.vlmModel(), clipOnCpu ? ClipDevice.CPU.wireName() : s.clipDevice(),
                vram, s.idleTimeoutSeconds(), s.lastVlmRequest(), degraded, degraded ? degradedReasons.get(0).text() : null,
                vlmError == null ? null : vlmError.text(), clip, s.gpus(), s.processes(), s.processMemoryKnown(),
                s.gpuProbe(), clipOnCpu ? Long.valueOf(0) : s.clipVramMb(), s.vlmIdleSince(), degradedReasons, vlmError, conditions, drift,
                s.vlmObservedAt(), parts);
    }

    /** The GPU as it is when the VLM is not on it, with the guests that took its place. */
    private static VramBreakdown withoutVlm(VramBreakdown b, List<ModelUse> guests) {
        if (b == null) {
            return null;
        }
        long guestMb = guests.stream().mapToLong(ModelUse::vramMb).sum();
        long freeGain = b.vlmMb() - guestMb;
        VramBreakdown.VlmFit fit = b.vlmFit() == null ? null
                : new VramBreakdown.VlmFit(b.vlmFit().needMb(), Math.max(0, b.vlmFit().availableMb() + freeGain));
        return new VramBreakdown(b.totalMb(), 0, b.clipMb(), guests, b.otherProcessesMb(), b.freeMb() + freeGain, fit);
    }
}
