package com.rpavision.gpurm.app.autostart;

import com.rpavision.gpurm.ui.prefs.StartAtLogin;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.WinReg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.rpavision.gpurm.app.autostart.WindowsRunKey.KEY;
import static com.rpavision.gpurm.app.autostart.WindowsRunKey.VALUE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Start at login" against the real HKCU registry, read back by Windows' own {@code reg.exe}.
 * {@code StartAtLoginTest} runs the same logic against a map; what that map assumes of the registry is asserted
 * here: the value is a REG_SZ named "GPU Resource Manager" under the Run key holding the quoted launcher path, a
 * missing value reads as absent, another install's value is not taken for ours, and turning it off leaves no value.
 * A value the machine had before (an installed app set to start at login) is put back afterwards.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = "the Run key is in the Windows registry; elsewhere StartAtLoginTest"
        + " runs the same logic against a map standing for HKCU, whose contract this test checks")
class RunKeyOnWindowsTest {

    @TempDir
    Path dir;

    private String before;

    @BeforeEach
    void keepTheMachinesOwnValue() {
        before = Advapi32Util.registryValueExists(WinReg.HKEY_CURRENT_USER, KEY, VALUE)
                ? Advapi32Util.registryGetStringValue(WinReg.HKEY_CURRENT_USER, KEY, VALUE) : null;
        if (before != null) {
            Advapi32Util.registryDeleteValue(WinReg.HKEY_CURRENT_USER, KEY, VALUE);
        }
    }

    @AfterEach
    void putItBack() {
        if (before != null) {
            Advapi32Util.registrySetStringValue(WinReg.HKEY_CURRENT_USER, KEY, VALUE, before);
        } else if (Advapi32Util.registryValueExists(WinReg.HKEY_CURRENT_USER, KEY, VALUE)) {
            Advapi32Util.registryDeleteValue(WinReg.HKEY_CURRENT_USER, KEY, VALUE);
        }
    }

    private Path installedLauncher(String folder) throws IOException {
        Path launcher = Files.createDirectories(dir.resolve(folder)).resolve("GPU Resource Manager.exe");
        Files.write(launcher, new byte[]{'M', 'Z'});
        return launcher;
    }

    private StartAtLogin forLauncher(Path launcher) {
        return StartAtLogins.forLauncher(launcher.toString(), System.getProperty("os.name"), System.getenv(),
                Path.of(System.getProperty("user.home")));
    }

    @Test
    void turningItOnWritesTheQuotedLauncherAsARegSzThatRegReadsBack() throws Exception {
        Path launcher = installedLauncher("GPU Resource Manager");
        StartAtLogin autostart = forLauncher(launcher);
        assertThat(autostart.available()).isTrue();
        assertThat(autostart.enabled()).as("no value yet").isFalse();
        assertThat(regQuery()).as("reg.exe sees no value yet").isEmpty();

        autostart.set(true);

        assertThat(autostart.enabled()).isTrue();
        assertThat(regQuery()).as("the value as reg.exe lists it").hasValueSatisfying(line -> assertThat(line)
                .startsWith(VALUE).contains(" REG_SZ ").endsWith("\"" + launcher.toAbsolutePath() + "\""));

        autostart.set(false);

        assertThat(autostart.enabled()).isFalse();
        assertThat(regQuery()).as("reg.exe sees the value gone").isEmpty();
        autostart.set(false); // already off: nothing to do, no error
    }

    @Test
    void aValueAnotherInstallWroteIsNotOursAndTurningOnReplacesIt() throws Exception {
        Path old = installedLauncher("old");
        // unquoted: ProcessBuilder takes the quotes of a quoted argument for its own, so reg.exe would not store them
        reg("add", "HKCU\\" + KEY, "/v", VALUE, "/t", "REG_SZ", "/d", old.toString(), "/f");
        StartAtLogin autostart = forLauncher(installedLauncher("new"));

        assertThat(autostart.enabled()).isFalse();
        autostart.set(true);

        assertThat(autostart.enabled()).isTrue();
        assertThat(regQuery()).hasValueSatisfying(line -> assertThat(line).doesNotContain(old.toString()));
    }

    /** The value's line in {@code reg query}'s listing ("NAME    REG_SZ    DATA"), trimmed, or empty when there is none. */
    private static java.util.Optional<String> regQuery() throws Exception {
        List<String> lines = reg("query", "HKCU\\" + KEY);
        return lines.stream().map(String::trim).filter(l -> l.startsWith(VALUE + " ")).findFirst()
                .map(l -> l.replaceAll("\\s{2,}", " "));
    }

    private static List<String> reg(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("reg"));
        command.addAll(List.of(arguments));
        Process reg = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = reg.getInputStream()) {
            output = new String(in.readAllBytes(), Charset.defaultCharset());
        }
        assertThat(reg.waitFor(30, TimeUnit.SECONDS)).as("reg ends").isTrue();
        assertThat(reg.exitValue()).as("reg %s: %s", String.join(" ", arguments), output).isZero();
        return output.lines().toList();
    }
}
