package com.rpavision.gpurm.app.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rpavision.gpurm.core.concurrent.Threads;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An Ollama look-alike for the demo, on a loopback port: loads take seconds, an unloaded model lingers in
 * /api/ps (and in VRAM) for a moment after Ollama answers, as the real one does.
 */
public final class DemoOllama implements AutoCloseable {

    static final String MODEL = "qwen3-vl:8b";
    private static final long MODEL_MB = 10_540;
    /** A second model, loaded as if by another client, so Unload and "Free VRAM for recording" can be tried. */
    static final String OTHER_MODEL = "llama3.2:3b";
    private static final long OTHER_MB = 2_600;
    private static final Map<String, Long> SIZES_MB = Map.of(MODEL, MODEL_MB, OTHER_MODEL, OTHER_MB);
    /** Each model has its own runner process, as Ollama starts one per loaded model. */
    private static final Map<String, Long> PIDS = Map.of(MODEL, 48_211L, OTHER_MODEL, 48_377L);
    /** A newer Ollama runs the ollama binary itself as its runner ("ollama runner ..."), not ollama_llama_server. */
    private static final String RUNNER = "ollama";
    private static final Duration LOAD_TIME = Duration.ofMillis(4_500);
    private static final Duration UNLOAD_LINGER = Duration.ofMillis(1_200);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimulatedGpu gpu;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(Threads.named("gpurm-demo-ollama"));
    /** Loaded models; the value is when an unloading one leaves, {@link Instant#MAX} while it stays. */
    private final Map<String, Instant> loaded = new LinkedHashMap<>();

    public DemoOllama(SimulatedGpu gpu) throws IOException {
        this.gpu = gpu;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/api/version", exchange -> reply(exchange, 200, "{\"version\":\"0.12.6 (demo)\"}"));
        server.createContext("/api/ps", exchange -> reply(exchange, 200, ps()));
        // the pulled model, its file a little over 6 GB as qwen3-vl:8b's is: the preflight's first estimate
        server.createContext("/api/tags", exchange -> reply(exchange, 200,
                "{\"models\":[{\"name\":\"qwen3-vl:8b\",\"model\":\"qwen3-vl:8b\",\"size\":" + (6_300L << 20) + "},"
                        + "{\"name\":\"llama3.2:3b\",\"model\":\"llama3.2:3b\",\"size\":" + (2_020L << 20) + "}]}"));
        server.createContext("/api/generate", this::generate);
        synchronized (this) {
            resident(OTHER_MODEL);
        }
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** All of the model in VRAM: a size above size_vram would tell the manager it runs partly on the CPU. */
    private synchronized String ps() {
        Instant now = Instant.now();
        loaded.entrySet().removeIf(e -> {
            boolean gone = now.isAfter(e.getValue());
            if (gone) {
                gpu.free(PIDS.get(e.getKey()));
            }
            return gone;
        });
        ArrayNode models = JSON.createArrayNode();
        loaded.keySet().forEach(name -> models.addObject().put("name", name).put("model", name)
                .put("size", SIZES_MB.get(name) << 20).put("size_vram", SIZES_MB.get(name) << 20)
                .put("expires_at", "2318-09-08T12:00:00.000000000+00:00"));
        ObjectNode root = JSON.createObjectNode();
        root.set("models", models);
        return root.toString();
    }

    private void generate(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        String asked = body.path("model").asText();
        String model = asked.equals(MODEL.replace(":8b", "")) ? MODEL : asked;
        if (!SIZES_MB.containsKey(model)) {
            reply(exchange, 404, "{\"error\":\"model \\\"" + model + "\\\" not found, try pulling it first\"}");
            return;
        }
        JsonNode keepAlive = body.path("keep_alive");
        if (keepAlive.isNumber() && keepAlive.asLong() == 0) {
            synchronized (this) {
                loaded.computeIfPresent(model, (k, v) -> Instant.now().plus(UNLOAD_LINGER));
            }
            reply(exchange, 200, "{\"model\":\"" + model + "\",\"done\":true,\"done_reason\":\"unload\"}");
            return;
        }
        boolean cold;
        synchronized (this) {
            cold = !Instant.MAX.equals(loaded.get(model));
        }
        if (cold) {
            sleep(LOAD_TIME);
            synchronized (this) {
                resident(model);
            }
        }
        reply(exchange, 200, "{\"model\":\"" + model + "\",\"done\":true,\"done_reason\":\"load\",\"load_duration\":"
                + (cold ? LOAD_TIME.toNanos() : 0) + "}");
    }

    private void resident(String model) {
        loaded.put(model, Instant.MAX);
        gpu.allocate(PIDS.get(model), RUNNER, SIZES_MB.get(model));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
