package com.rpavision.gpurm.app;

import com.rpavision.gpurm.core.config.ConfigCheck;

import java.io.PrintStream;

/** {@code --check-config [FILE]}: every problem of a configuration file, one per line; nothing written. */
public final class ConfigCheckCommand {

    private ConfigCheckCommand() {
    }

    /**
     * @param named the file was named on the command line: its absence is an error (a typo in the path), where
     *              the default file's absence only means the app would run on the defaults
     * @return the exit code: 0 usable, {@link ServiceFailure#CONFIG} not
     */
    public static int print(ConfigCheck check, boolean named, PrintStream out) {
        if (!check.exists()) {
            if (named) {
                out.println(check.file() + ": no such file");
                return ServiceFailure.CONFIG;
            }
            out.println(check.file() + ": no file yet; the app would write the defaults there and run on them");
            return 0;
        }
        if (check.valid()) {
            out.println(check.file() + ": valid");
            return 0;
        }
        int count = check.problems().size();
        out.println(check.file() + ": " + count + (count == 1 ? " problem" : " problems")
                + " (the headless app would not start; the panel would set the file aside and run on defaults)");
        check.problems().forEach(problem -> out.println("  " + problem));
        return ServiceFailure.CONFIG;
    }
}
