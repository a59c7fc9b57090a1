package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.testing.FakeClip;
import com.rpavision.gpurm.testing.ManagerFixture;

import java.time.Duration;
import java.time.Instant;

/**
 * What the manager should be doing, written as plainly as possible: the reference the stateful test compares
 * the real manager with after every step. Time moves only when the test moves it (loads and polls take none).
 */
final class ManagerModel {

    static final long TOTAL_MB = ManagerFixture.DEFAULT_TOTAL_MB;
    static final long BASE_MB = ManagerFixture.DEFAULT_BASE_MB;
    static final long VLM_MB = 10_500;
    static final long THRESHOLD_MB = 1024;
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(300);
    static final Duration OLLAMA_CHECK = Duration.ofSeconds(30);

    ExecutionMode mode = ExecutionMode.IDLE;
    ModelState vlm = ModelState.UNLOADED;
    boolean vlmResident;
    boolean clipOnGpu;
    boolean ollamaDown;
    boolean degraded;
    /** The idle timer unloaded the VLM; RECORDING then waits for the next request instead of reloading. */
    boolean idleUnloaded;
    Instant now;
    Instant lastActivity;
    Instant nextOllamaCheck = Instant.MIN;

    ManagerModel(Instant start) {
        this.now = start;
    }

    long freeMb() {
        return TOTAL_MB - BASE_MB - (vlmResident ? VLM_MB : 0) - (clipOnGpu ? FakeClip.VRAM_MB : 0);
    }

    void setMode(ExecutionMode target) {
        mode = target;
        switch (target) {
            case AUTOPILOT -> {
                unload();
                clipToGpuIfRoom();
            }
            case RECORDING -> {
                clipOnGpu = false;
                load();
            }
            case IDLE -> { }
        }
    }

    /** A VLM request (ensureVlmLoaded, or a lease opened and closed): true when it got the VLM. */
    boolean request() {
        lastActivity = now;
        boolean ok = load();
        if (ok) {
            lastActivity = now;
        }
        return ok;
    }

    boolean load() {
        if (vlm == ModelState.LOADED) {
            return true;
        }
        if (!reachable()) {
            return false;
        }
        if (vlm == ModelState.LOADED) {
            return true;
        }
        clipOnGpu = false;
        vlmResident = true;
        vlm = ModelState.LOADED;
        idleUnloaded = false;
        lastActivity = now;
        return true;
    }

    boolean unload() {
        if (vlm == ModelState.UNLOADED) {
            return true;
        }
        if (!reachable()) {
            return false;
        }
        vlmResident = false;
        vlm = ModelState.UNLOADED;
        return true;
    }

    boolean migrateClipToGpu() {
        if (!clipOnGpu && freeMb() > THRESHOLD_MB) {
            clipOnGpu = true;
        }
        return clipOnGpu;
    }

    void migrateClipToCpu() {
        clipOnGpu = false;
    }

    void advance(Duration duration) {
        now = now.plus(duration);
        tick();
    }

    private void tick() {
        if (!now.isBefore(nextOllamaCheck)) {
            nextOllamaCheck = now.plus(OLLAMA_CHECK);
            if (ollamaDown) {
                degraded = true;
            } else if (degraded) {
                degraded = false;
                reconcile();
                if (mode == ExecutionMode.RECORDING && vlm == ModelState.UNLOADED && !idleUnloaded) {
                    load(); // level-triggered: RECORDING wants the VLM back once Ollama answers
                }
            }
        }
        if (degraded && vlm == ModelState.LOADED) {
            vlm = ModelState.ERROR;
        }
        if (vlm == ModelState.LOADED && Duration.between(lastActivity, now).compareTo(IDLE_TIMEOUT) >= 0) {
            idleUnloaded = unload();
        }
        if (mode == ExecutionMode.AUTOPILOT) {
            clipToGpuIfRoom();
        }
    }

    /** While degraded the manager asks Ollama first; an answer ends degraded mode and reconciles. */
    private boolean reachable() {
        if (!degraded) {
            return true;
        }
        if (ollamaDown) {
            return false;
        }
        degraded = false;
        reconcile();
        return true;
    }

    private void reconcile() {
        vlm = vlmResident ? ModelState.LOADED : ModelState.UNLOADED;
        if (vlmResident) {
            lastActivity = now;
        }
    }

    private void clipToGpuIfRoom() {
        migrateClipToGpu();
    }

    @Override
    public String toString() {
        return "model{mode=" + mode + ", vlm=" + vlm + ", resident=" + vlmResident + ", clipOnGpu=" + clipOnGpu
                + ", ollamaDown=" + ollamaDown + ", degraded=" + degraded + "}";
    }
}
