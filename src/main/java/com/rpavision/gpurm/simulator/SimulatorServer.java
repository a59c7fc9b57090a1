package com.rpavision.gpurm.simulator;

import com.rpavision.gpurm.core.concurrent.Threads;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The simulated Ollama on a loopback port, over HTTP/1.1 kept alive as Ollama's Go server keeps it (no idle
 * timeout, Nagle off, a whole answer with its Content-Length, a stream one chunk per piece). A restart closes
 * every connection and the port refuses for a moment, then the same port answers with everything forgotten.
 * {@code POST /_simulator/restart} (optional {@code ?down_ms=N}) does that for scripts.
 */
public final class SimulatorServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatorServer.class);
    static final String CONTROL_RESTART = "/_simulator/restart";

    private final OllamaApi api;
    private final ExecutorService executor = Executors.newCachedThreadPool(Threads.named("gpurm-simulated-ollama"));
    private final int port;
    private HttpServer server;

    public SimulatorServer(OllamaApi api, int port) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true"); // as Go: no 40 ms delayed-ACK stall
        System.setProperty("sun.net.httpserver.idleInterval", "3600"); // Go's server keeps idle connections
        this.api = api;
        this.server = bind(port);
        this.port = server.getAddress().getPort();
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port + "/";
    }

    public OllamaApi api() {
        return api;
    }

    /** The process stops: every connection closes, the port refuses. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Started again on the same port. */
    public synchronized void start() throws IOException {
        if (server == null) {
            server = bind(port);
        }
    }

    /** Ollama restarts: down for {@code down}, then up on the same port with nothing loaded. */
    public void restart(Duration down) throws IOException, InterruptedException {
        stop();
        api.scheduler().restart();
        Thread.sleep(down.toMillis());
        start();
    }

    private HttpServer bind(int port) throws IOException {
        HttpServer created = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        created.setExecutor(executor);
        created.createContext("/", this::serve);
        created.start();
        return created;
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (CONTROL_RESTART.equals(path) && "POST".equals(exchange.getRequestMethod())) {
                restartSoon(exchange);
                return;
            }
            Answer answer = api.handle(exchange.getRequestMethod(), path, body);
            if (answer.aborted()) {
                return; // the restart closed the connection already
            }
            write(exchange, answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debug("Simulated Ollama: a client went away: {}", e.toString());
        }
    }

    private void restartSoon(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        long downMs = query != null && query.startsWith("down_ms=") ? Long.parseLong(query.substring(8)) : 200;
        write(exchange, Answer.json(200, "{\"restarting\":true,\"down_ms\":" + downMs + "}"));
        executor.execute(() -> {
            try {
                restart(Duration.ofMillis(downMs));
            } catch (IOException e) {
                LOG.error("Simulated Ollama could not listen again on port {}: {}", port, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private static void write(HttpExchange exchange, Answer answer) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        if (answer.streamed()) {
            exchange.sendResponseHeaders(answer.status(), 0);
            OutputStream out = exchange.getResponseBody();
            for (byte[] piece : answer.pieces()) {
                out.write(piece);
                out.flush(); // one chunk per piece, as Ollama flushes each
            }
            return;
        }
        byte[] whole = answer.pieces().isEmpty() ? new byte[0] : answer.pieces().get(0);
        exchange.sendResponseHeaders(answer.status(), head ? -1 : whole.length == 0 ? -1 : whole.length);
        if (!head && whole.length > 0) {
            exchange.getResponseBody().write(whole);
        }
    }

    @Override
    public void close() {
        stop();
        executor.shutdownNow();
    }
}
