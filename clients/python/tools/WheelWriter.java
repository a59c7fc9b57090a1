import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the Python client's wheel, {@code gpurm_client-X.Y.Z-py3-none-any.whl}, with no package index and no
 * Python: a wheel of pure-Python code is a zip of the package plus three files in {@code *.dist-info/} (METADATA,
 * WHEEL, RECORD with each file's SHA-256). {@code pip install ./clients/python} needs setuptools from an index;
 * a station without one installs this file instead (issue 26).
 *
 * <p>Run by the JDK as a source program during the Maven build ({@code pom.xml}, phase package):
 * {@code java clients/python/tools/WheelWriter.java clients/python 0.1.0-SNAPSHOT target}. The version is the
 * pom's without {@code -SNAPSHOT}; pyproject.toml and {@code __version__} must say the same, or the build stops.
 * Entries are written in name order with a fixed time, so the same sources give the same bytes.
 */
public final class WheelWriter {

    /** 1980-01-01, the zip format's first day, as Python's own wheel builders use without SOURCE_DATE_EPOCH. */
    private static final long FIXED_TIME = 315_532_800_000L;
    private static final String PACKAGE = "gpurm_client";

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: java WheelWriter.java CLIENT_DIR POM_VERSION OUTPUT_DIR");
        }
        Path wheel = write(Path.of(args[0]), args[1].replaceFirst("-SNAPSHOT$", ""), Path.of(args[2]));
        System.out.println("[wheel] " + wheel);
    }

    static Path write(Path client, String version, Path outputDir) throws IOException {
        String pyproject = Files.readString(client.resolve("pyproject.toml"));
        String name = field(pyproject, "name");
        String declared = field(pyproject, "version");
        Path init = client.resolve("src").resolve(PACKAGE).resolve("__init__.py");
        Matcher dunder = Pattern.compile("(?m)^__version__ = \"([^\"]+)\"").matcher(Files.readString(init));
        if (!declared.equals(version) || !dunder.find() || !dunder.group(1).equals(version)) {
            throw new IllegalStateException("the Python client's version must be the pom's (" + version + "): "
                    + client.resolve("pyproject.toml") + " says " + declared + ", " + init + " says "
                    + (dunder.find(0) ? dunder.group(1) : "nothing"));
        }
        String distInfo = PACKAGE + "-" + version + ".dist-info/";
        List<String[]> files = new ArrayList<>(); // {name in the wheel, content}
        Path sources = client.resolve("src").resolve(PACKAGE);
        try (Stream<Path> listed = Files.list(sources)) {
            for (Path p : listed.sorted().toList()) {
                String file = p.getFileName().toString();
                if (Files.isRegularFile(p) && (file.endsWith(".py") || file.equals("py.typed"))) {
                    files.add(new String[] {PACKAGE + "/" + file, Files.readString(p)});
                }
            }
        }
        files.add(new String[] {distInfo + "METADATA", metadata(pyproject, name, version,
                Files.readString(client.resolve("README.md")))});
        files.add(new String[] {distInfo + "WHEEL",
                "Wheel-Version: 1.0\nGenerator: gpurm WheelWriter.java\nRoot-Is-Purelib: true\nTag: py3-none-any\n"});
        files.add(new String[] {distInfo + "top_level.txt", PACKAGE + "\n"});
        StringBuilder record = new StringBuilder();
        for (String[] f : files) {
            byte[] bytes = f[1].getBytes(StandardCharsets.UTF_8);
            record.append(f[0]).append(",sha256=").append(sha256(bytes)).append(',').append(bytes.length).append('\n');
        }
        record.append(distInfo).append("RECORD,,\n");
        files.add(new String[] {distInfo + "RECORD", record.toString()});

        Files.createDirectories(outputDir);
        Path wheel = outputDir.resolve(PACKAGE + "-" + version + "-py3-none-any.whl");
        Path partial = outputDir.resolve(wheel.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(partial); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String[] f : files) {
                ZipEntry entry = new ZipEntry(f[0]);
                entry.setTime(FIXED_TIME);
                zip.putNextEntry(entry);
                zip.write(f[1].getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        Files.move(partial, wheel, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return wheel;
    }

    /** Core metadata 2.1 from pyproject.toml's [project] table (the fields this project uses). */
    private static String metadata(String pyproject, String name, String version, String readme) {
        StringBuilder m = new StringBuilder("Metadata-Version: 2.1\n")
                .append("Name: ").append(name).append('\n')
                .append("Version: ").append(version).append('\n')
                .append("Summary: ").append(field(pyproject, "description")).append('\n')
                .append("License: ").append(inlineText(pyproject, "license")).append('\n')
                .append("Requires-Python: ").append(field(pyproject, "requires-python")).append('\n');
        Matcher classifiers = Pattern.compile("(?s)classifiers = \\[(.*?)]").matcher(pyproject);
        if (classifiers.find()) {
            Matcher each = Pattern.compile("\"([^\"]+)\"").matcher(classifiers.group(1));
            while (each.find()) {
                m.append("Classifier: ").append(each.group(1)).append('\n');
            }
        }
        Matcher extras = Pattern.compile("(?m)^(\\w+) = \\[\"([^\"]+)\"]").matcher(table(pyproject, "project.optional-dependencies"));
        while (extras.find()) {
            m.append("Provides-Extra: ").append(extras.group(1)).append('\n')
                    .append("Requires-Dist: ").append(extras.group(2)).append("; extra == \"")
                    .append(extras.group(1)).append("\"\n");
        }
        return m.append("Description-Content-Type: text/markdown\n\n").append(readme).toString();
    }

    /** The body of a TOML table, up to the next table's header; empty without it. */
    private static String table(String toml, String name) {
        int start = toml.indexOf("\n[" + name + "]\n");
        if (start < 0) {
            return "";
        }
        int end = toml.indexOf("\n[", start + name.length() + 3);
        return toml.substring(start, end < 0 ? toml.length() : end);
    }

    private static String field(String toml, String key) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + " = \"([^\"]*)\"").matcher(toml);
        if (!m.find()) {
            throw new IllegalStateException("pyproject.toml has no " + key);
        }
        return m.group(1);
    }

    private static String inlineText(String toml, String key) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + " = \\{text = \"([^\"]*)\"}").matcher(toml);
        return m.find() ? m.group(1) : "UNKNOWN";
    }

    private static String sha256(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
