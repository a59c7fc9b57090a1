package com.rpavision.gpurm.app.autostart;

import com.rpavision.gpurm.ui.prefs.StartAtLogin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StartAtLoginTest {

    @TempDir
    Path dir;

    private Path installedLauncher() throws IOException {
        Path launcher = Files.createDirectories(dir.resolve("opt/gpu-resource-manager/bin")).resolve("gpu-resource-manager");
        Files.writeString(launcher, "#!/bin/sh\n");
        launcher.toFile().setExecutable(true);
        Files.createDirectories(dir.resolve("opt/gpu-resource-manager/lib"));
        Files.writeString(dir.resolve("opt/gpu-resource-manager/lib/gpu-resource-manager.png"), "png");
        return launcher;
    }

    @Test
    void onLinuxAnAutostartEntryStartsTheInstalledLauncher() throws IOException {
        Path launcher = installedLauncher();
        StartAtLogin autostart = StartAtLogins.forLauncher(launcher.toString(), "Linux",
                Map.of("XDG_CONFIG_HOME", dir.resolve("config").toString()), dir.resolve("home"));
        assertThat(autostart.available()).isTrue();
        assertThat(autostart.enabled()).isFalse();

        autostart.set(true);

        Path entry = dir.resolve("config/autostart/gpu-resource-manager.desktop");
        assertThat(autostart.enabled()).isTrue();
        assertThat(Files.readString(entry)).startsWith("[Desktop Entry]\n").contains("Type=Application\n")
                .contains("Exec=\"" + launcher.toAbsolutePath() + "\"\n")
                .contains("Icon=" + dir.resolve("opt/gpu-resource-manager/lib/gpu-resource-manager.png"));
        autostart.set(false);
        assertThat(entry).doesNotExist();
        assertThat(autostart.enabled()).isFalse();
        autostart.set(false); // already off: nothing to do, no error
    }

    @Test
    void withoutXdgConfigHomeTheEntryGoesUnderDotConfig() throws IOException {
        StartAtLogin autostart = StartAtLogins.forLauncher(installedLauncher().toString(), "Linux", Map.of(), dir.resolve("home"));
        autostart.set(true);
        assertThat(dir.resolve("home/.config/autostart/gpu-resource-manager.desktop")).isRegularFile();
    }

    @Test
    void aBuildRunFromTheSourceTreeIsNotOffered() {
        assertThat(StartAtLogins.forLauncher(null, "Linux", Map.of(), dir).available()).isFalse();
        assertThat(StartAtLogins.forLauncher(dir.resolve("missing").toString(), "Windows 11", Map.of(), dir).available()).isFalse();
        assertThatThrownBy(() -> StartAtLogin.UNAVAILABLE.set(true)).hasMessageContaining("installed app only");
    }

    /** HKCU as a map: the Windows path's logic, tested anywhere. */
    private static final class FakeRegistry implements WindowsRunKey.UserRegistry {
        final Map<String, String> values = new HashMap<>();
        boolean refuse;

        @Override
        public String read(String key, String value) {
            return values.get(key + "\\" + value);
        }

        @Override
        public void write(String key, String value, String data) {
            if (refuse) {
                throw new IllegalStateException("Access is denied.");
            }
            values.put(key + "\\" + value, data);
        }

        @Override
        public void delete(String key, String value) {
            values.remove(key + "\\" + value);
        }
    }

    @Test
    void onWindowsARunValueQuotesTheLauncherPath() throws IOException {
        FakeRegistry registry = new FakeRegistry();
        Path launcher = Path.of("C:/Users/op/AppData/Local/GPU Resource Manager/GPU Resource Manager.exe");
        WindowsRunKey autostart = new WindowsRunKey(registry, launcher);

        autostart.set(true);

        assertThat(registry.values).containsEntry("Software\\Microsoft\\Windows\\CurrentVersion\\Run\\GPU Resource Manager",
                "\"" + launcher + "\"");
        assertThat(autostart.enabled()).isTrue();
        autostart.set(false);
        assertThat(registry.values).isEmpty();
    }

    @Test
    void aRunValueForAnotherInstallIsNotOurs() {
        FakeRegistry registry = new FakeRegistry();
        registry.values.put(WindowsRunKey.KEY + "\\" + WindowsRunKey.VALUE, "\"D:\\old\\GPU Resource Manager.exe\"");
        assertThat(new WindowsRunKey(registry, Path.of("C:/new/GPU Resource Manager.exe")).enabled()).isFalse();
    }

    @Test
    void aRefusedRegistryWriteIsAnIoErrorThatSaysWhy() {
        FakeRegistry registry = new FakeRegistry();
        registry.refuse = true;
        assertThatThrownBy(() -> new WindowsRunKey(registry, Path.of("C:/a.exe")).set(true))
                .isInstanceOf(IOException.class).hasMessageContaining("Access is denied.");
    }
}
