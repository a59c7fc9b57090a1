package com.rpavision.gpurm.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rpavision.gpurm.api.http.ApiReply;
import com.rpavision.gpurm.api.http.EventSink;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /api/v1/events}: Server-Sent Events, one JSON event per message, a comment as heartbeat when nothing
 * happened for {@link #HEARTBEAT}, until the client goes or the server stops. No thread per stream: the manager's
 * listener queues the event on the stream's {@link EventSink} (bounded; a client that stops reading loses events,
 * not memory), the event loop writes it when the connection takes it.
 */
final class EventStreams {

    private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final GpuResourceManager manager;
    private final int maxClients;
    private final AtomicInteger clients = new AtomicInteger();
    private final Set<EventSink> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    EventStreams(GpuResourceManager manager, int maxClients) {
        this.manager = manager;
        this.maxClients = maxClients;
    }

    /** The answer to a request for a stream: the stream, or 503 when too many are open or the server stops. */
    ApiReply open() {
        if (stopping) {
            return ApiReply.error(503, "shutting down: the manager stops, ask again once it has started");
        }
        if (clients.incrementAndGet() > maxClients) {
            clients.decrementAndGet();
            return ApiReply.error(503, "too many event streams open (at most " + maxClients + ")");
        }
        return ApiReply.stream("text/event-stream; charset=utf-8", this::stream);
    }

    /** On the event loop, once the head is out (or the client already gone: the sink has then ended). */
    private void stream(EventSink sink) {
        open.add(sink);
        var subscription = manager.onResourceChanged(event -> sink.send(message(event)));
        Heartbeat heartbeat = new Heartbeat(sink);
        sink.onEnd(() -> {
            subscription.close();
            heartbeat.cancel();
            open.remove(sink);
            clients.decrementAndGet();
        });
        sink.send(": connected\n\n");
        if (stopping) {
            sink.end();
        }
    }

    private static String message(ResourceChangedEvent event) {
        try {
            return "data: " + JSON.writeValueAsString(eventJson(event)) + "\n\n";
        } catch (JsonProcessingException e) {
            LOG.warn("An event cannot be written as JSON: {}", e.toString());
            return ": an event could not be written\n\n";
        }
    }

    /** A heartbeat every {@link #HEARTBEAT} (a comment line: clients ignore it, proxies see the stream alive). */
    private static final class Heartbeat {
        private final ScheduledFuture<?> timer;

        Heartbeat(EventSink sink) {
            long every = HEARTBEAT.toMillis();
            timer = sink.loop().scheduleAtFixedRate(() -> sink.send(": heartbeat\n\n"), every, every, TimeUnit.MILLISECONDS);
        }

        void cancel() {
            timer.cancel(false);
        }
    }

    /** Ends every stream (the clients see the answer end) and refuses new ones. */
    void stop() {
        stopping = true;
        open.forEach(EventSink::end);
    }

    /** An event as the API and the diagnostics write it: type, timestamp, details. */
    static Map<String, Object> eventJson(ResourceChangedEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", event.eventType());
        json.put("timestamp", event.timestamp().toString());
        json.put("details", event.details());
        return json;
    }
}
