package com.rpavision.gpurm.app.diagnostics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.rpavision.gpurm.api.ControlApiServer;
import com.rpavision.gpurm.api.StatusJson;
import com.rpavision.gpurm.app.AppPaths;
import com.rpavision.gpurm.core.manager.GpuResourceManager;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A zip for a support request: the logs, the configuration, the status and the last events (when the manager
 * runs in this process), versions and the OS. The control API's token file is never read; the zip is written
 * next to its target and moved into place, so a failure leaves no half file.
 */
public final class DiagnosticsExport {

    /** The newest logs first, up to this much in all. */
    static final long MAX_LOG_BYTES = 20L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final AppPaths paths;
    private final Optional<GpuResourceManager> manager;
    private final Supplier<String> ollamaVersion;

    /**
     * @param manager       the running manager, for the status and events; empty from the command line
     * @param ollamaVersion asks Ollama (blocking, short timeout); says why when it cannot
     */
    public DiagnosticsExport(AppPaths paths, Optional<GpuResourceManager> manager, Supplier<String> ollamaVersion) {
        this(paths, manager, Optional::empty, ollamaVersion);
    }

    private final Supplier<Optional<RunningInstance.Snapshot>> running;

    private DiagnosticsExport(AppPaths paths, Optional<GpuResourceManager> manager,
                              Supplier<Optional<RunningInstance.Snapshot>> running, Supplier<String> ollamaVersion) {
        this.paths = paths;
        this.manager = manager;
        this.running = running;
        this.ollamaVersion = ollamaVersion;
    }

    /** From the command line: the status and events come from the running app's control API, if it answers. */
    public static DiagnosticsExport fromCommandLine(AppPaths paths, Supplier<String> ollamaVersion) {
        return new DiagnosticsExport(paths, Optional.empty(), () -> RunningInstance.ask(paths.apiInfoFile()), ollamaVersion);
    }

    public void writeTo(Path zip) throws IOException {
        Path absolute = zip.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
        try (OutputStream file = Files.newOutputStream(partial); ZipOutputStream out = new ZipOutputStream(file)) {
            add(out, "README.txt", ("GPU Resource Manager diagnostics, " + Instant.now() + ".\n"
                    + "Holds logs, configuration, status, recent events, versions and the OS. Never the API token.\n")
                    .getBytes(StandardCharsets.UTF_8));
            add(out, "versions.json", JSON.writeValueAsBytes(versions()));
            add(out, "os.json", JSON.writeValueAsBytes(os()));
            if (Files.isRegularFile(paths.configFile())) {
                add(out, "config.json", Files.readAllBytes(paths.configFile()));
            } else {
                add(out, "config.json", "{\"note\": \"no configuration file: defaults in use\"}".getBytes(StandardCharsets.UTF_8));
            }
            if (manager.isPresent()) {
                add(out, "status.json", JSON.writeValueAsBytes(StatusJson.of(manager.get().getStatus())));
                add(out, "events.json", JSON.writeValueAsBytes(manager.get().recentEvents().stream()
                        .map(ControlApiServer::eventJson).toList()));
            } else {
                Optional<RunningInstance.Snapshot> live = running.get();
                if (live.isPresent()) {
                    add(out, "status.json", live.get().status());
                    add(out, "events.json", live.get().events());
                } else {
                    add(out, "status.json", ("{\"note\": \"the manager was not running (or its control API did not"
                            + " answer), so there is no live status or event list\"}").getBytes(StandardCharsets.UTF_8));
                }
            }
            for (Path log : newestLogs()) {
                add(out, "logs/" + log.getFileName(), Files.readAllBytes(log));
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void add(ZipOutputStream out, String name, byte[] content) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        out.write(content);
        out.closeEntry();
    }

    private List<Path> newestLogs() throws IOException {
        if (!Files.isDirectory(paths.logDir())) {
            return List.of();
        }
        List<Path> chosen = new ArrayList<>();
        long total = 0;
        try (Stream<Path> files = Files.list(paths.logDir())) {
            for (Path log : files.filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(DiagnosticsExport::modified).reversed()).toList()) {
                total += Files.size(log);
                if (total > MAX_LOG_BYTES && !chosen.isEmpty()) {
                    break;
                }
                chosen.add(log);
            }
        }
        return chosen;
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    private Map<String, Object> versions() {
        Map<String, Object> v = new LinkedHashMap<>();
        String app = DiagnosticsExport.class.getPackage().getImplementationVersion();
        v.put("app", app != null ? app : "development build");
        v.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        v.put("javafx", System.getProperty("javafx.runtime.version", "not started in this process"));
        v.put("djl", specificationVersion("ai.djl.Model"));
        v.put("libtorch_flavor", System.getProperty("PYTORCH_FLAVOR", "cpu (bundled)"));
        // "NVML (driver 550.54.15)" names the NVIDIA driver; nvidia-smi or no GPU say so instead
        v.put("gpu_source", manager.map(m -> m.getStatus().gpuProbe()).orElse("not read from the command line"));
        v.put("gpu", manager.map(m -> m.getStatus().vram().describe()).orElse("not read from the command line"));
        v.put("ollama", ollamaVersion.get());
        return v;
    }

    /** A library's version from its jar manifest, by class name: this layer does not link to DJL. */
    private static String specificationVersion(String className) {
        try {
            Package p = Class.forName(className, false, DiagnosticsExport.class.getClassLoader()).getPackage();
            return p.getSpecificationVersion() != null ? p.getSpecificationVersion() : "unknown";
        } catch (ClassNotFoundException | LinkageError e) {
            return "not on the class path";
        }
    }

    private static Map<String, Object> os() {
        Map<String, Object> os = new LinkedHashMap<>();
        os.put("name", System.getProperty("os.name"));
        os.put("version", System.getProperty("os.version"));
        os.put("arch", System.getProperty("os.arch"));
        os.put("processors", Runtime.getRuntime().availableProcessors());
        os.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        os.put("locale", java.util.Locale.getDefault().toLanguageTag());
        return os;
    }
}
