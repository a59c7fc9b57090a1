package com.rpavision.gpurm.core.gpu;

import java.nio.file.Path;

/** Names a process by pid, for the per-process VRAM list. */
final class ProcessNames {

    private ProcessNames() {
    }

    static String of(long pid) {
        return ProcessHandle.of(pid)
                .flatMap(handle -> handle.info().command())
                .map(command -> Path.of(command).getFileName().toString())
                .orElse("pid " + pid);
    }
}
