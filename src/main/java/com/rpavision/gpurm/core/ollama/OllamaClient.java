package com.rpavision.gpurm.core.ollama;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Ollama's native API over OkHttp: availability, load, unload and the running-model list. One call, one
 * attempt: retrying and state belong to the manager. Every failure is an {@link OllamaException} whose kind
 * says whether a retry can help.
 */
public final class OllamaClient implements AutoCloseable {

    private static final MediaType JSON = MediaType.get("application/json");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /**
     * One load, from the moment {@link #load} is called until it returns, so that {@link #cancelLoads()} finds it
     * wherever it is: still being prepared (its request then never leaves) or on the wire (its call is cancelled).
     * Its failure then reads as cancelled (OkHttp's own call timeout cancels the call too: that one is a timeout).
     * OkHttp's running calls alone missed a load whose call was built but not yet counted as running.
     */
    private static final class LoadTicket {
        volatile boolean cancelled;
        volatile okhttp3.Call call;

        void cancel() {
            cancelled = true;
            okhttp3.Call sent = call;
            if (sent != null) {
                sent.cancel();
            }
        }
    }

    private final HttpUrl endpoint;
    private final OllamaSignals signals;
    private final OkHttpClient reads;
    private final OkHttpClient quick;
    private final OkHttpClient slow;
    private final OkHttpClient pulls;
    private volatile ParsedPs lastPs;
    private final java.util.Set<LoadTicket> loads = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param quickTimeout whole-call limit for version, ps and unload requests
     * @param loadTimeout  whole-call limit for one load
     */
    public OllamaClient(String endpoint, Duration quickTimeout, Duration loadTimeout) {
        HttpUrl url = HttpUrl.parse(endpoint);
        if (url == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + endpoint);
        }
        this.endpoint = url;
        this.signals = OllamaSignals.of(url.toString());
        // Writes are never retried behind our back: the manager counts attempts. Reads may be, which also
        // hides a kept-alive connection that Ollama closed meanwhile.
        this.quick = new OkHttpClient.Builder()
                .connectTimeout(Math.min(quickTimeout.toMillis(), 2_000), TimeUnit.MILLISECONDS)
                .callTimeout(quickTimeout)
                .readTimeout(quickTimeout)
                .retryOnConnectionFailure(false)
                .socketFactory(new NoDelaySocketFactory())
                .eventListenerFactory(signals.listener())
                .build();
        this.reads = quick.newBuilder().retryOnConnectionFailure(true).build();
        this.slow = quick.newBuilder().callTimeout(loadTimeout).readTimeout(loadTimeout).build();
        // a pull of gigabytes takes as long as the network needs: only Ollama's silence ends it
        this.pulls = quick.newBuilder().callTimeout(Duration.ZERO).readTimeout(loadTimeout).build();
    }

    public String endpoint() {
        return endpoint.toString();
    }

    /** Signs that Ollama went away, seen on any connection of this process to it (see {@link OllamaSignals}). */
    public OllamaSignals signals() {
        return signals;
    }

    /** {@code GET /api/version}: the server's version, or why it cannot be reached. */
    public String version() throws OllamaException {
        JsonNode body = call(reads, get("api/version"), "version check");
        return text(body, "version", "unknown");
    }

    /**
     * {@code GET /api/ps}: the models in memory. It can block while a load runs: bounded by the quick timeout.
     * An answer byte for byte the same as the previous one gives the same (immutable) list back without parsing
     * it again: the watcher asks every second and Ollama's answer rarely changes.
     */
    public List<RunningModel> runningModels() throws OllamaException {
        String text = callForText(reads, get("api/ps"), "list running models");
        ParsedPs cached = lastPs;
        if (cached != null && cached.text().equals(text)) {
            return cached.models();
        }
        JsonNode body = checked(text, 200, "list running models");
        List<RunningModel> models = new ArrayList<>();
        for (JsonNode m : body.path("models")) {
            models.add(new RunningModel(text(m, "name", ""), text(m, "model", ""),
                    m.path("size").asLong(0), m.path("size_vram").asLong(0), parseTime(text(m, "expires_at", null))));
        }
        List<RunningModel> parsed = List.copyOf(models);
        lastPs = new ParsedPs(text, parsed);
        return parsed;
    }

    private record ParsedPs(String text, List<RunningModel> models) {
    }

    /** {@code GET /api/tags}: the models pulled into Ollama, with their file sizes. */
    public List<InstalledModel> installedModels() throws OllamaException {
        JsonNode body = call(reads, get("api/tags"), "list installed models");
        List<InstalledModel> models = new ArrayList<>();
        for (JsonNode m : body.path("models")) {
            models.add(new InstalledModel(text(m, "name", ""), m.path("size").asLong(0)));
        }
        return models;
    }

    /**
     * Loads a model without generating ({@code POST /api/generate} with no prompt), with runner options
     * ({@code num_ctx}, ...); blocks until Ollama says it is ready. Ollama keeps it for {@code keepAlive} after the
     * answer: a lease, never forever, so the model cannot outlive whoever stops renewing it ({@link #setKeepAlive}).
     * Ollama reloads a loaded model whose options differ, so every request that touches the VLM must send the same
     * ones.
     */
    public LoadResult load(String model, java.util.Map<String, Object> options, Duration keepAlive) throws OllamaException {
        return load(model, options, keepAlive, () -> false);
    }

    /**
     * As {@link #load(String, java.util.Map, Duration)}, given up at once when {@code givenUp} says so once the load
     * is registered for {@link #cancelLoads()}: a caller that cancels by setting that flag and then calling
     * {@code cancelLoads()} gives up its load whenever the cancel comes, even just before this call.
     */
    public LoadResult load(String model, java.util.Map<String, Object> options, Duration keepAlive,
                           java.util.function.BooleanSupplier givenUp) throws OllamaException {
        LoadTicket ticket = new LoadTicket();
        loads.add(ticket);
        try {
            if (givenUp.getAsBoolean()) {
                ticket.cancel();
            }
            return send(model, options, keepAlive, ticket);
        } finally {
            loads.remove(ticket);
        }
    }

    private LoadResult send(String model, java.util.Map<String, Object> options, Duration keepAlive, LoadTicket ticket)
            throws OllamaException {
        ObjectNode request = MAPPER.createObjectNode().put("model", model).put("stream", false)
                .put("keep_alive", keepAliveText(keepAlive));
        withOptions(request, options);
        Request tagged = post("api/generate", request).newBuilder().tag(LoadTicket.class, ticket).build();
        okhttp3.Call call = slow.newCall(tagged);
        ticket.call = call;
        if (ticket.cancelled) { // a cancel from here on cancels the call itself
            throw new OllamaException(OllamaException.Kind.CANCELLED, "load " + model + " was cancelled before it was sent");
        }
        JsonNode body = execute(call, tagged, "load " + model);
        String reason = text(body, "done_reason", "");
        if (!body.path("done").asBoolean(false) && !"load".equals(reason)) {
            throw new OllamaException(OllamaException.Kind.TRANSIENT,
                    "Ollama answered the load of " + model + " without finishing it: " + abbreviate(body.toString()));
        }
        return new LoadResult(model, Duration.ofNanos(body.path("load_duration").asLong(0)));
    }

    /**
     * Pulls a model from Ollama's registry ({@code POST /api/pull}, streamed), telling {@code progress} each line;
     * blocks until Ollama says "success". Ollama downloads it: the manager itself reaches nothing but Ollama.
     */
    public void pull(String model, java.util.function.Consumer<com.rpavision.gpurm.core.model.PullProgress> progress) throws OllamaException {
        ObjectNode request = MAPPER.createObjectNode().put("model", model).put("stream", true);
        Request call = post("api/pull", request);
        String what = "pull " + model;
        try (Response response = pulls.newCall(call).execute()) {
            if (!response.isSuccessful()) {
                checked(response.body().string(), response.code(), what);
            }
            PullStream stream = new PullStream(model);
            okio.BufferedSource source = response.body().source();
            String line;
            while ((line = source.readUtf8Line()) != null) {
                JsonNode json = parse(line);
                if (json == null) {
                    continue; // a blank keep-alive line
                }
                java.util.Optional<String> error = stream.take(json);
                if (error.isPresent()) {
                    throw new OllamaException(OllamaException.Kind.REJECTED, "Ollama could not " + what + ": " + error.get());
                }
                progress.accept(stream.progress());
            }
            if (!stream.succeeded()) {
                throw new OllamaException(OllamaException.Kind.TRANSIENT,
                        "Ollama ended the " + what + " before it said success (last: " + stream.progress().status() + ")");
            }
        } catch (IOException e) {
            throw transportFailure(call, e, what);
        }
    }

    /**
     * Gives up every load in flight, from the moment {@link #load} was called: it throws {@link OllamaException.Kind#CANCELLED}. Ollama stops
     * a load whose client went away (its scheduler waits for the runner with the request's context), unless the
     * load had finished: a caller must look at {@code /api/ps} afterwards.
     */
    public void cancelLoads() {
        loads.forEach(LoadTicket::cancel);
    }

    /**
     * Sets a loaded model's keep-alive (a lease renewal, or the idle timer handed back): it stays loaded and expires
     * {@code keepAlive} after this answer. With the runner's own options, or Ollama would reload it.
     */
    public void setKeepAlive(String model, Duration keepAlive, java.util.Map<String, Object> options) throws OllamaException {
        ObjectNode request = MAPPER.createObjectNode().put("model", model).put("stream", false)
                .put("keep_alive", keepAliveText(keepAlive));
        withOptions(request, options);
        call(quick, post("api/generate", request), "set keep_alive of " + model);
    }

    /**
     * Asks Ollama to unload ({@code keep_alive: 0}). It answers at once; the model stays in /api/ps and in
     * VRAM until its runner exits, so callers must poll {@link #runningModels()}.
     */
    public void unload(String model) throws OllamaException {
        ObjectNode request = MAPPER.createObjectNode().put("model", model).put("stream", false).put("keep_alive", 0);
        call(quick, post("api/generate", request), "unload " + model);
    }

    /** Ollama's duration text, e.g. "180s"; never a negative (forever) value. */
    public static String keepAliveText(Duration keepAlive) {
        if (keepAlive.isNegative()) {
            throw new IllegalArgumentException("a keep-alive is finite: " + keepAlive);
        }
        return keepAlive.toSeconds() + "s";
    }

    private static void withOptions(ObjectNode request, java.util.Map<String, Object> options) {
        if (!options.isEmpty()) {
            request.set("options", MAPPER.valueToTree(options));
        }
    }

    private Request get(String path) {
        return new Request.Builder().url(endpoint.resolve(path)).get().build();
    }

    private Request post(String path, JsonNode json) {
        return new Request.Builder().url(endpoint.resolve(path)).post(RequestBody.create(json.toString(), JSON)).build();
    }

    private JsonNode call(OkHttpClient client, Request request, String what) throws OllamaException {
        return execute(client.newCall(request), request, what);
    }

    private JsonNode execute(okhttp3.Call call, Request request, String what) throws OllamaException {
        try (Response response = call.execute()) {
            return checked(response.body().string(), response.code(), what);
        } catch (OllamaException e) {
            throw e;
        } catch (IOException e) {
            throw transportFailure(request, e, what);
        }
    }

    /** A successful answer's text; a failed one throws as {@link #call} does. */
    private String callForText(OkHttpClient client, Request request, String what) throws OllamaException {
        try (Response response = client.newCall(request).execute()) {
            String text = response.body().string();
            if (!response.isSuccessful()) {
                checked(text, response.code(), what);
            }
            return text;
        } catch (IOException e) {
            throw transportFailure(request, e, what);
        }
    }

    /** Ollama's answer as JSON, or the failure it stands for (an HTTP error, an "error" field, not JSON). */
    private JsonNode checked(String text, int code, String what) throws OllamaException {
        JsonNode json = parse(text);
        String error = json == null ? null : text(json, "error", null);
        if (code < 200 || code > 299) {
            throw httpFailure(code, error != null ? error : abbreviate(text), what);
        }
        if (json == null) {
            throw new OllamaException(OllamaException.Kind.TRANSIENT,
                    "Ollama's answer to " + what + " is not JSON: " + abbreviate(text)
                            + ". Is " + endpoint + " really an Ollama server?");
        }
        if (error != null) {
            throw new OllamaException(OllamaException.Kind.REJECTED, "Ollama refused to " + what + ": " + error, error);
        }
        return json;
    }

    private OllamaException transportFailure(Request request, IOException e, String what) {
        LoadTicket ticket = request.tag(LoadTicket.class);
        if (ticket != null && ticket.cancelled) {
            return new OllamaException(OllamaException.Kind.CANCELLED, what + " was cancelled", e);
        }
        return ioFailure(e, what);
    }

    private OllamaException httpFailure(int code, String message, String what) {
        if (code == 404 && message.contains("model") && message.contains("not found")) {
            return new OllamaException(OllamaException.Kind.MODEL_NOT_FOUND,
                    "Ollama cannot " + what + ": " + message + ". Pull the model first (ollama pull <model>) or fix vlm_model.");
        }
        OllamaException.Kind kind = code >= 500 || code == 429 || code == 408
                ? OllamaException.Kind.TRANSIENT : OllamaException.Kind.REJECTED;
        String hint = code == 404 ? " Is " + endpoint + " really an Ollama server?" : "";
        return new OllamaException(kind, "Ollama answered HTTP " + code + " to " + what + ": " + message + "." + hint,
                "HTTP " + code + ": " + message);
    }

    /**
     * A timeout means Ollama is there but slow: worth retrying. Any other transport failure (refused, reset,
     * closed without an answer) means nothing answers HTTP there: unreachable, which is degraded mode once
     * retries are spent.
     */
    private OllamaException ioFailure(IOException e, String what) {
        String detail = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        boolean connectTimeout = e instanceof SocketTimeoutException
                && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("connect");
        if (e instanceof InterruptedIOException && !connectTimeout) {
            return new OllamaException(OllamaException.Kind.TRANSIENT,
                    "Ollama did not answer " + what + " in time (" + detail + ")", e);
        }
        return new OllamaException(OllamaException.Kind.UNREACHABLE,
                "Ollama is not reachable at " + endpoint + " (" + detail
                        + "). Start it with 'ollama serve' or fix ollama_endpoint.", e);
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : fallback;
    }

    private static OffsetDateTime parseTime(String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }

    @Override
    public void close() {
        quick.dispatcher().executorService().shutdown();
        quick.connectionPool().evictAll();
    }
}
