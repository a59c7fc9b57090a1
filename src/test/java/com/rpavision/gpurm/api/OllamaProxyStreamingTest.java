package com.rpavision.gpurm.api;

import com.rpavision.gpurm.api.http.EventLoops;
import com.rpavision.gpurm.testing.ManagerFixture;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Bodies and answers streamed through: bounded memory, no connection left behind, many at once, slow clients. */
class OllamaProxyStreamingTest {

    private ManagerFixture f;
    private StreamingLookAlike ollama;
    private OllamaProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        f = ManagerFixture.create();
        ollama = new StreamingLookAlike();
        proxy = new OllamaProxyServer(f.manager, ollama.endpoint(), Duration.ofSeconds(10), f.config.vlmModel(), false,
                InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        ollama.close();
        f.close();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        socket.setSoTimeout(30_000);
        return socket;
    }

    private String host() {
        return "Host: 127.0.0.1:" + proxy.port() + "\r\n";
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.UTF_8);
    }

    /** Bytes Netty's allocator holds now, for buffers of any kind. */
    private static long buffered() {
        ByteBufAllocatorMetric metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        return metric.usedDirectMemory() + metric.usedHeapMemory();
    }

    @Test
    void a200MbBodyToAPathThatNamesNoModelStreamsThroughWithoutBeingHeld() throws Exception {
        long size = 200L * 1024 * 1024;
        AtomicLong most = new AtomicLong();
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sending.get()) {
                most.accumulateAndGet(buffered(), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        String answer;
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/blobs/sha256:abc HTTP/1.1\r\n" + host() + "Content-Length: " + size
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] piece = new byte[64 * 1024];
            for (long sent = 0; sent < size; sent += piece.length) {
                out.write(piece);
            }
            out.flush();
            answer = readAll(socket.getInputStream());
        } finally {
            sending.set(false);
            sampler.join();
        }
        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").endsWith("{\"received\":" + size + "}");
        assertThat(ollama.bodyBytes.get()).isEqualTo(size);
        assertThat(most.get()).as("buffered by the proxy at the most (bytes)").isLessThan(32L * 1024 * 1024);
    }

    @Test
    void aClientThatAbortsMidStreamLeavesNoUpstreamConnectionNorBufferBehind() throws Exception {
        UnpooledByteBufAllocator counted = new UnpooledByteBufAllocator(true); // counts the bytes of every live buffer
        proxy.close();
        EventLoops.allocateFrom(counted);
        try {
            proxy = new OllamaProxyServer(f.manager, ollama.endpoint(), Duration.ofSeconds(10), f.config.vlmModel(), false,
                    InetAddress.getLoopbackAddress(), 0);
            long mostWhileStreaming = 0;
            for (int i = 0; i < 5; i++) {
                try (Socket socket = connect()) {
                    socket.getOutputStream().write(("GET /endless HTTP/1.1\r\n" + host() + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    InputStream in = socket.getInputStream();
                    byte[] some = new byte[512];
                    int read = 0;
                    while (read < some.length) {
                        read += in.read(some, read, some.length - read);
                    }
                    assertThat(new String(some, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200 OK").contains("token");
                    mostWhileStreaming = Math.max(mostWhileStreaming, live(counted));
                    socket.setSoLinger(true, 0); // a reset, as a killed client leaves
                }
            }
            assertThat(mostWhileStreaming).as("the count sees the proxy's buffers while it streams").isPositive();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(ollama.open.get()).as("upstream connections still open").isZero());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(proxy.openConnections()).as("client connections still open").isZero());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(live(counted)).as("bytes of buffers still held after the aborts").isZero());
            assertThat(ollama.requests.get()).isEqualTo(5);
        } finally {
            EventLoops.allocateFrom(ByteBufAllocator.DEFAULT);
        }
    }

    private static long live(UnpooledByteBufAllocator allocator) {
        return allocator.metric().usedDirectMemory() + allocator.metric().usedHeapMemory();
    }

    @Test
    void aClientThatStopsReadingStopsTheReadFromOllamaAndTheProxyHoldsLittle() throws Exception {
        long before = buffered();
        try (Socket socket = connect()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.getOutputStream().write(("GET /flood HTTP/1.1\r\n" + host() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] head = new byte[16];
            assertThat(socket.getInputStream().readNBytes(head, 0, head.length)).isEqualTo(head.length);
            // then nothing more is read: what Ollama sends fills the sockets' buffers, then it must wait
            AtomicLong last = new AtomicLong(-1);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() ->
                    last.getAndSet(ollama.flooded.get()) == ollama.flooded.get());
            assertThat(ollama.flooded.get()).as("sent by Ollama to a client that reads nothing (bytes)")
                    .isLessThan(64L * 1024 * 1024);
            assertThat(buffered() - before).as("held by the proxy for it (bytes)").isLessThan(8L * 1024 * 1024);
            socket.setSoLinger(true, 0);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(ollama.open.get()).as("upstream connections still open").isZero());
    }

    @Test
    void sixtyFourConcurrentStreamsAllComplete() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(64);
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            answers.add(clients.submit(() -> {
                try (Socket socket = connect()) {
                    socket.getOutputStream().write(("POST /stream HTTP/1.1\r\n" + host() + "Content-Length: 2\r\n\r\n{}")
                            .getBytes(StandardCharsets.US_ASCII));
                    InputStream in = socket.getInputStream();
                    ByteArrayOutputStream seen = new ByteArrayOutputStream();
                    byte[] buffer = new byte[8192];
                    int n;
                    while (!seen.toString(StandardCharsets.UTF_8).endsWith("0\r\n\r\n") && (n = in.read(buffer)) > 0) {
                        seen.write(buffer, 0, n);
                    }
                    return seen.toString(StandardCharsets.UTF_8);
                }
            }));
        }
        for (Future<String> answer : answers) {
            assertThat(answer.get(60, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200 OK\r\n")
                    .contains("Transfer-Encoding: chunked", "\"token " + (StreamingLookAlike.STREAM_LINES - 1) + "\",\"done\":true")
                    .endsWith("0\r\n\r\n");
        }
        clients.shutdown();
        assertThat(proxy.forwardedRequests()).isEqualTo(64);
    }

    @Test
    void slowlorisConnectionsDoNotKeepALegitRequestFromBeingAnswered() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                Socket socket = connect();
                socket.getOutputStream().write("GET /api/tags HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
            for (Socket socket : slow) {
                socket.getOutputStream().write('s'); // one more header byte each, never the end of the head
            }
            try (Socket legit = connect()) {
                legit.getOutputStream().write(("POST /api/version HTTP/1.1\r\n" + host() + "Content-Length: 2\r\n"
                        + "Connection: close\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
                assertThat(readAll(legit.getInputStream())).startsWith("HTTP/1.1 200 OK\r\n").endsWith("{\"received\":2}");
            }
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }
}
