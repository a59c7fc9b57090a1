package com.rpavision.gpurm.core.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * How the journal and the state writers open the files they write: the operating system's channels in the app,
 * channels that fail as a full or read-only disk does in tests (no tmpfs or root needed there).
 */
@FunctionalInterface
public interface FileChannels {

    FileChannels SYSTEM = FileChannel::open;

    FileChannel open(Path file, OpenOption... options) throws IOException;
}
