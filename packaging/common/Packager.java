import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Builds the installers from what Maven prepared under target/packaging (the app's jars in input/, JavaFX's OS
 * jars in javafx/, the filtered jpackage argument files in args/). One file, run by the JDK as a source program
 * ({@code java packaging/common/Packager.java linux|windows}) from the project folder, so that Linux and
 * Windows share every step:
 * <ol>
 * <li>jlink a runtime with JavaFX as modules; copy JavaFX's native libraries into its lib/ (bin/ on Windows);</li>
 * <li>record the classes a start-up loads (the demo, up to its dashboard) as the AppCDS class list;</li>
 * <li>jpackage the app image, then the DEB or MSI from it; on Windows also the app image as a portable zip;</li>
 * <li>write the AppCDS archive into the app image under target/ (installers write theirs on the machine).</li>
 * </ol>
 */
public final class Packager {

    private static final Path TARGET = Path.of("target");
    private static final Path WORK = TARGET.resolve("packaging");
    private static final Path RUNTIME = WORK.resolve("runtime");
    private static final Path INPUT = WORK.resolve("input");
    private static final Path ARGS = WORK.resolve("args");
    private static final Path DEST = TARGET.resolve("installer");

    private final boolean windows;

    private Packager(boolean windows) {
        this.windows = windows;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !List.of("linux", "windows").contains(args[0])) {
            throw new IllegalArgumentException("usage: java packaging/common/Packager.java linux|windows");
        }
        new Packager(args[0].equals("windows")).run();
    }

    private void run() throws Exception {
        deleteTree(RUNTIME);
        deleteTree(DEST);
        exec(List.of(jdkTool("jlink"), "@" + ARGS.resolve("common/jlink.args"), "--output", RUNTIME.toString()), Map.of());
        copyJavaFxNatives();
        Files.copy(TARGET.resolve("gpu-resource-manager.jar"), INPUT.resolve("gpu-resource-manager.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        // the Python client's wheel beside the jar, where --print-client-path looks (DEB, MSI and portable zip alike)
        Path wheel = TARGET.resolve("gpurm_client-" + appVersion() + "-py3-none-any.whl");
        if (!Files.isRegularFile(wheel)) {
            throw new IllegalStateException(wheel + " is missing: the build's package phase writes it (WheelWriter.java)");
        }
        Files.copy(wheel, INPUT.resolve(wheel.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        recordClassList();
        String os = windows ? "windows" : "linux";
        exec(List.of(jdkTool("jpackage"), "@" + ARGS.resolve("common/app-image.args"),
                "@" + ARGS.resolve(os + "/app-image.args"), "--dest", DEST.toString()), Map.of());
        Path appImage = onlyChild(DEST);
        exec(List.of(jdkTool("jpackage"), "@" + ARGS.resolve(os + (windows ? "/msi.args" : "/deb.args")),
                "--app-image", appImage.toString(), "--dest", DEST.toString()), Map.of());
        if (windows) {
            // before the archive below is written: it holds this folder's path and would not fit anywhere else
            zipAppImage(appImage, DEST.resolve(appImage.getFileName() + "-" + appVersion() + "-portable.zip"));
        }
        Path launcher = windows ? appImage.resolve(appImage.getFileName() + ".exe")
                : appImage.resolve("bin").resolve(appImage.getFileName().toString());
        exec(List.of(launcher.toString(), "--write-cds-archive"), Map.of());
        try (Stream<Path> built = Files.list(DEST)) {
            built.forEach(p -> System.out.println("[packager] built " + p));
        }
    }

    /** JavaFX looks for its natives in the runtime's lib (bin) first; there dpkg-shlibdeps sees GTK and GL too. */
    private void copyJavaFxNatives() throws IOException {
        Path into = RUNTIME.resolve(windows ? "bin" : "lib");
        String suffix = windows ? ".dll" : ".so";
        int copied = 0;
        try (Stream<Path> jars = Files.list(WORK.resolve("javafx"))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (InputStream in = Files.newInputStream(jar); ZipInputStream zip = new ZipInputStream(in)) {
                    for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                        if (!e.isDirectory() && !e.getName().contains("/") && e.getName().endsWith(suffix)) {
                            Files.copy(zip, into.resolve(e.getName()), StandardCopyOption.REPLACE_EXISTING);
                            copied++;
                        }
                    }
                }
            }
        }
        if (copied == 0) {
            throw new IllegalStateException("no JavaFX native libraries found in " + WORK.resolve("javafx"));
        }
        System.out.println("[packager] " + copied + " JavaFX native libraries into " + into);
    }

    /**
     * Runs the demo once with the new runtime until its dashboard shows, recording every class loaded; the list
     * ships in the app (app.classlist) and the archive is built from it. Needs a display: on Linux without one,
     * under xvfb-run. The run's files go to a scratch home, not the builder's.
     */
    private void recordClassList() throws Exception {
        Path home = Files.createDirectories(WORK.resolve("training-home")).toAbsolutePath();
        Path classList = INPUT.resolve("app.classlist");
        Files.deleteIfExists(classList);
        List<String> command = new ArrayList<>();
        if (!windows && System.getenv("DISPLAY") == null) {
            if (!onPath("xvfb-run")) {
                throw new IllegalStateException("recording the start-up classes needs a display: set DISPLAY, or"
                        + " install Xvfb (apt-get install -y xvfb xauth) so that xvfb-run is on the PATH");
            }
            command.addAll(List.of("xvfb-run", "-a", "-s", "-screen 0 1920x1080x24"));
        }
        command.addAll(List.of(RUNTIME.resolve("bin").resolve(windows ? "java.exe" : "java").toString(),
                "-XX:DumpLoadedClassList=" + classList, "-Dgpurm.startup.exit=dashboard",
                "-cp", INPUT.toAbsolutePath() + (windows ? "\\*" : "/*"),
                "com.rpavision.gpurm.Launcher", "--demo"));
        exec(command, Map.of("XDG_CONFIG_HOME", home.resolve("config").toString(),
                "XDG_DATA_HOME", home.resolve("data").toString(),
                "APPDATA", home.resolve("roaming").toString(), "LOCALAPPDATA", home.resolve("local").toString()));
        long classes;
        try (Stream<String> lines = Files.lines(classList)) {
            classes = lines.filter(l -> !l.startsWith("#") && !l.startsWith("@")).count();
        }
        if (classes < 1000) {
            throw new IllegalStateException("the class list has only " + classes + " classes: the training run did not"
                    + " reach the dashboard (see its output above)");
        }
        System.out.println("[packager] class list: " + classes + " classes");
    }

    /**
     * The app image as a zip for stations where installing is not allowed: unzipped anywhere the user may write,
     * it runs as the installed app does and writes its start-up archive on its first start.
     */
    static void zipAppImage(Path appImage, Path zip) throws IOException {
        Path top = appImage.getFileName();
        try (Stream<Path> all = Files.walk(appImage);
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Path p : all.sorted().toList()) {
                String name = top.resolve(appImage.relativize(p)).toString().replace('\\', '/');
                if (Files.isDirectory(p)) {
                    out.putNextEntry(new ZipEntry(name + "/"));
                } else {
                    out.putNextEntry(new ZipEntry(name));
                    Files.copy(p, out);
                }
                out.closeEntry();
            }
        }
        System.out.println("[packager] portable zip: " + zip);
    }

    /** The version jpackage was given, from the filtered argument file every OS shares. */
    private static String appVersion() throws IOException {
        for (String line : Files.readAllLines(ARGS.resolve("common/app-image.args"))) {
            if (line.startsWith("--app-version ")) {
                return line.substring("--app-version ".length()).trim();
            }
        }
        throw new IllegalStateException("no --app-version in " + ARGS.resolve("common/app-image.args"));
    }

    private static void exec(List<String> command, Map<String, String> env) throws Exception {
        System.out.println("[packager] " + String.join(" ", command));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command.get(0));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(command.get(0) + " failed with exit code " + process.exitValue());
        }
    }

    private String jdkTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name + (windows ? ".exe" : "")).toString();
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    private static Path onlyChild(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            List<Path> all = children.toList();
            if (all.size() != 1) {
                throw new IllegalStateException("expected one app image in " + dir + ", found " + all);
            }
            return all.get(0);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
