package com.rpavision.gpurm.ui;

import java.io.IOException;
import java.nio.file.Path;

/** Writes the support zip (logs, configuration, status, versions; never the token). Blocking: off the FX thread. */
@FunctionalInterface
public interface DiagnosticsWriter {
    void writeTo(Path zip) throws IOException;
}
