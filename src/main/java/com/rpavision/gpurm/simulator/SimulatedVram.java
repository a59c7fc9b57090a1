package com.rpavision.gpurm.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** The GPU memory the simulated runners take and give back (a demo or test GPU, or a plain budget). */
public interface SimulatedVram {

    long freeMb();

    /** A runner for {@code model} started and holds {@code mb} of VRAM. */
    void take(String model, long mb);

    /** The runner for {@code model} exited and its memory is back. */
    void release(String model);

    /** A GPU of {@code totalMb} that holds only what the simulated runners take. */
    static SimulatedVram budget(long totalMb) {
        return new SimulatedVram() {
            private final Map<String, Long> held = new LinkedHashMap<>();

            @Override
            public synchronized long freeMb() {
                return Math.max(0, totalMb - held.values().stream().mapToLong(Long::longValue).sum());
            }

            @Override
            public synchronized void take(String model, long mb) {
                held.put(model, mb);
            }

            @Override
            public synchronized void release(String model) {
                held.remove(model);
            }
        };
    }
}
