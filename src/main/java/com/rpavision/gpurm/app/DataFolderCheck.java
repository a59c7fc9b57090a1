package com.rpavision.gpurm.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the data folder and its logs folder can be written, asked before the first logger exists: logging
 * into a folder it cannot write makes logback print its own stack traces on the console.
 */
public final class DataFolderCheck {

    private DataFolderCheck() {
    }

    /** The problem in one sentence, naming the folder; empty when a file could be created and removed in both. */
    public static Optional<String> problem(AppPaths paths) {
        for (Path folder : new Path[] {paths.dataDir(), paths.logDir()}) {
            Path probe = folder.resolve(".write-check-" + ProcessHandle.current().pid());
            try {
                Files.createDirectories(folder);
                Files.deleteIfExists(probe);
                Files.write(probe, new byte[] {1});
                Files.delete(probe);
            } catch (IOException | SecurityException e) {
                String why = Files.exists(folder) && !Files.isDirectory(folder) ? "it is a file, not a folder" : reason(e);
                return Optional.of("cannot write to the data folder " + folder + " (" + why
                        + "); give this user write access to it, or point " + variable() + " to a writable folder");
            }
        }
        return Optional.empty();
    }

    private static String reason(Exception e) {
        String kind = e.getClass().getSimpleName().replace("Exception", "");
        String message = e.getMessage();
        return message == null ? kind : kind + ": " + message;
    }

    private static String variable() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows")
                ? "LOCALAPPDATA" : "XDG_DATA_HOME";
    }
}
