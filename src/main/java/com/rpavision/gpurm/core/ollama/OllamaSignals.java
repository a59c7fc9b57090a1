package com.rpavision.gpurm.core.ollama;

import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.Protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.SocketException;
import java.time.Duration;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Signs, on any of this process's connections to one Ollama (the manager's calls, the watcher's looks, the proxy's
 * forwarded requests), that the Ollama process went away: a connection refused, one reset or closed without an
 * answer, or a kept-alive connection found closed by Ollama. Go's HTTP server never closes an idle connection, so
 * only a process that exits does that. A restart shorter than one watch interval leaves no failed look; it leaves
 * these. A connection idle for longer than {@link #TRUSTED_IDLE} is not taken as a sign: something between (a
 * proxy, a look-alike) may close those.
 */
public final class OllamaSignals {

    static final Duration TRUSTED_IDLE = Duration.ofSeconds(4);
    private static final Map<String, OllamaSignals> BY_ENDPOINT = new ConcurrentHashMap<>();

    private final AtomicLong count = new AtomicLong();
    private volatile String last = "";
    private final Map<Connection, Long> releasedAt = new WeakHashMap<>();

    private OllamaSignals() {
    }

    /** The one record of signs for Ollama at {@code endpoint}, shared by every client of it in this process. */
    public static OllamaSignals of(String endpoint) {
        return BY_ENDPOINT.computeIfAbsent(endpoint, e -> new OllamaSignals());
    }

    /**
     * The record for an endpoint as the configuration spells it ({@code http://127.0.0.1:11434}), found under the
     * same key the manager's own client uses, for a client outside this package (the proxy's channels).
     */
    public static OllamaSignals ofEndpoint(String endpoint) {
        okhttp3.HttpUrl url = okhttp3.HttpUrl.parse(endpoint);
        return of(url == null ? endpoint : url.toString());
    }

    /** A connection of the proxy to Ollama was refused. */
    public void connectionRefused() {
        record("connection refused");
    }

    /** A kept-alive connection idle for less than {@link #TRUSTED_IDLE} was closed by Ollama (it exited). */
    public void keptAliveConnectionClosed(Duration idle) {
        if (idle.compareTo(TRUSTED_IDLE) < 0) {
            record("a kept-alive connection had been closed by Ollama");
        }
    }

    /** How many signs so far: compare two readings to know whether one came between them. */
    public long count() {
        return count.get();
    }

    /** The latest sign, in words. */
    public String last() {
        return last;
    }

    void record(String sign) {
        last = sign;
        count.incrementAndGet();
    }

    /** Composes with another listener. */
    EventListener.Factory listener(EventListener.Factory inner) {
        return call -> new Watch(inner.create(call));
    }

    EventListener.Factory listener() {
        return listener(call -> EventListener.NONE);
    }

    private synchronized void released(Connection connection) {
        releasedAt.put(connection, System.nanoTime());
    }

    private synchronized boolean trustedIdle(Connection connection) {
        Long at = releasedAt.get(connection);
        return at != null && System.nanoTime() - at < TRUSTED_IDLE.toNanos();
    }

    /** One call's connection story: a pooled connection, then a new one, means Ollama had closed the first. */
    private final class Watch extends EventListener {
        private final EventListener inner;
        private boolean connecting;
        private boolean reusedTrusted;

        Watch(EventListener inner) {
            this.inner = inner;
        }

        @Override
        public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
            if (reusedTrusted) {
                record("a kept-alive connection had been closed by Ollama");
                reusedTrusted = false;
            }
            connecting = true;
            inner.connectStart(call, address, proxy);
        }

        @Override
        public void connectFailed(Call call, InetSocketAddress address, Proxy proxy, Protocol protocol, IOException e) {
            if (e instanceof ConnectException) {
                record("connection refused");
            }
            inner.connectFailed(call, address, proxy, protocol, e);
        }

        @Override
        public void connectionAcquired(Call call, Connection connection) {
            if (!connecting) {
                reusedTrusted = trustedIdle(connection);
            }
            inner.connectionAcquired(call, connection);
        }

        @Override
        public void requestFailed(Call call, IOException e) {
            reusedFailed(call, e);
            inner.requestFailed(call, e);
        }

        @Override
        public void responseFailed(Call call, IOException e) {
            reusedFailed(call, e);
            inner.responseFailed(call, e);
        }

        /**
         * A trusted kept-alive connection failed without an answer: Ollama had closed it. Counted now, before OkHttp
         * tries another pooled connection for the same call, one idle too long to be trusted that would hide it.
         */
        private void reusedFailed(Call call, IOException e) {
            if (reusedTrusted && !call.isCanceled() && !(e instanceof InterruptedIOException) && reset(e)) {
                record("a kept-alive connection had been closed by Ollama");
                reusedTrusted = false;
            }
        }

        @Override
        public void connectionReleased(Call call, Connection connection) {
            released(connection);
            inner.connectionReleased(call, connection);
        }

        @Override
        public void requestHeadersStart(Call call) {
            inner.requestHeadersStart(call);
        }

        @Override
        public void responseHeadersStart(Call call) {
            inner.responseHeadersStart(call);
        }

        @Override
        public void callFailed(Call call, IOException e) {
            if (!call.isCanceled() && !(e instanceof InterruptedIOException) && reset(e) && (connecting || reusedTrusted)) {
                record("a connection reset or closed without an answer");
            }
            inner.callFailed(call, e);
        }
    }

    private static boolean reset(IOException e) {
        return e instanceof SocketException || e instanceof EOFException || e.getCause() instanceof EOFException
                || String.valueOf(e.getMessage()).contains("unexpected end of stream");
    }
}
