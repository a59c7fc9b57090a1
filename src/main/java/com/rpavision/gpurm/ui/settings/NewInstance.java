package com.rpavision.gpurm.ui.settings;

import java.io.IOException;

/** Starts the app again for "Restart now": a new instance that waits for this one to end before it takes over. */
@FunctionalInterface
public interface NewInstance {

    /** Blocks while the process is started; when this throws, no new instance runs and this one carries on. */
    void start() throws IOException;
}
