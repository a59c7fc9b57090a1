package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.core.manager.GpuResourceManager;

/**
 * How the panel gets its manager without waiting for it: the window shows first, then {@link #build} and
 * {@link #start} run on a background thread (they load NVML, talk to Ollama, open ports).
 */
public interface ManagerStartup {

    /** Builds the manager; blocking, called once, never on the FX thread. */
    GpuResourceManager build();

    /** Opens the servers and starts the manager once the dashboard shows; blocking, never on the FX thread. */
    void start();

    /** Stops whatever was started; safe to call at any point, also when nothing was built. */
    void stop();

    /** The journal's entries since {@code since}, oldest first (empty before the manager is built). Blocking. */
    default java.util.List<com.rpavision.gpurm.core.journal.JournalEntry> journal(java.time.Instant since) {
        return java.util.List.of();
    }
}
