package com.rpavision.gpurm.packaging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The installers' resources: the icon set as Windows and the desktop read it, and the DEB's maintainer scripts. */
class PackagingResourcesTest {

    @TempDir
    Path dir;

    @Test
    void theIcoHoldsEverySizeAsAPngOfThatSize() throws Exception {
        ByteBuffer ico = ByteBuffer.wrap(Files.readAllBytes(Path.of("assets/app/app.ico"))).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(ico.getShort(0)).isZero();
        assertThat(ico.getShort(2)).as("type 1 = icon").isEqualTo((short) 1);
        int count = ico.getShort(4);
        assertThat(count).isEqualTo(AppIconExport.SIZES.length);
        for (int i = 0; i < count; i++) {
            int entry = 6 + 16 * i;
            int side = Byte.toUnsignedInt(ico.get(entry)) == 0 ? 256 : Byte.toUnsignedInt(ico.get(entry));
            int length = ico.getInt(entry + 8);
            int offset = ico.getInt(entry + 12);
            byte[] png = Arrays.copyOfRange(ico.array(), offset, offset + length);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(image.getWidth()).isEqualTo(side);
            assertThat(image.getHeight()).isEqualTo(side);
            assertThat(side).isEqualTo(AppIconExport.SIZES[i]);
            assertThat(Files.readAllBytes(Path.of("assets/app/app-" + side + ".png"))).as("app-%d.png", side).isEqualTo(png);
        }
    }

    @Test
    void theCommittedIconsAreWhatThePainterDraws() throws Exception {
        for (int size : AppIconExport.SIZES) {
            BufferedImage committed = ImageIO.read(Path.of("assets/app/app-" + size + ".png").toFile());
            BufferedImage drawn = AppIconExport.paint(size);
            int differing = 0;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    differing += committed.getRGB(x, y) == drawn.getRGB(x, y) ? 0 : 1;
                }
            }
            // anti-aliasing may differ by a pixel here and there between JDKs; a changed drawing differs a lot
            assertThat(differing).as("pixels differing at %d px: regenerate with AppIconExport", size)
                    .isLessThan(size * size / 50 + 2);
        }
    }

    @Test
    void theWindowIconsAreInTheJar() {
        for (int size : new int[]{16, 32, 48, 256}) {
            assertThat(getClass().getResource("/com/rpavision/gpurm/ui/icons/app-" + size + ".png")).isNotNull();
        }
    }

    @Test
    void theMsiKeepsOneUpgradeCodeForever() throws Exception {
        Matcher m = Pattern.compile("--win-upgrade-uuid (\\S+)").matcher(Files.readString(Path.of("packaging/windows/msi.args")));
        assertThat(m.find()).isTrue();
        assertThat(UUID.fromString(m.group(1))).hasToString("500231aa-f3a1-427b-b9ed-4c2d7c7f5219");
    }

    /** jpackage puts its xdg-desktop-menu calls where the placeholders are; here they fail as on a headless box. */
    private Path script(String name) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path failing = bin.resolve("xdg-desktop-menu");
        Files.writeString(failing, "#!/bin/sh\necho 'xdg-desktop-menu: No writable system menu directory found.' >&2\nexit 3\n");
        failing.toFile().setExecutable(true);
        String text = Files.readString(Path.of("packaging/linux/resources", name))
                .replace("DESKTOP_COMMANDS_INSTALL", "xdg-desktop-menu install /opt/gpu-resource-manager/lib/x.desktop")
                .replace("DESKTOP_COMMANDS_UNINSTALL", "xdg-desktop-menu uninstall /opt/gpu-resource-manager/lib/x.desktop")
                .replace("UTILITY_SCRIPTS", "")
                .replace("APPLICATION_PACKAGE", "gpu-resource-manager");
        Path script = dir.resolve(name);
        Files.writeString(script, text);
        return script;
    }

    private Process sh(Path script, String argument) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", script.toString(), argument).redirectErrorStream(true);
        builder.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        Process p = builder.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p;
    }

    @Test
    void theDebPostInstallSucceedsWhereNoMenuEntryCanBeWritten() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell");
        Process p = sh(script("postinst"), "configure");
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("no menu entry added");
    }

    @Test
    void theDebPreRemoveSucceedsWhereThereIsNoMenuEntry() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell");
        Process p = sh(script("prerm"), "remove");
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }
}
