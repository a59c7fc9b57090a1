package com.rpavision.gpurm.api;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.rpavision.gpurm.api.http.HttpLimits;
import com.rpavision.gpurm.api.http.RawHttp;
import com.rpavision.gpurm.testing.LoggedEvents;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static com.rpavision.gpurm.api.http.RawHttp.answers;
import static com.rpavision.gpurm.api.http.RawHttp.exchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The hostile table of issue 24 against one listener, as an attacker on the same machine would send it: each
 * ambiguous or malformed request gets the answer RFC 9112 asks for and a closed connection, nothing of it reaches
 * what is behind the listener (the manager, or Ollama behind the proxy), and silent, dripping or idle connections
 * hold neither a thread nor the listener. A listener's test extends it, started with {@link #LIMITS}.
 */
abstract class HostileInputContract {

    /** The listener's limits in these tests: the defaults with a head timeout short enough to wait for. */
    static final HttpLimits LIMITS = HttpLimits.DEFAULTS.withHeadTimeout(Duration.ofMillis(1_000));

    /** The listener's port on the loopback address. */
    abstract int port();

    /** A GET that answers 200 (given the token, where the listener asks for one). */
    abstract String legitPath();

    /** A path that takes a POST, for the framing rows (refused before any route is asked). */
    abstract String postPath();

    /** The token the listener asks for; empty when it asks for none (the proxy). */
    abstract Optional<String> token();

    /** Connections the listener holds open now. */
    abstract int openConnections();

    /** Fails when anything of a refused request reached what is behind the listener. */
    abstract void assertNothingReachedTheBackend();

    String host() {
        return "Host: 127.0.0.1:" + port() + "\r\n";
    }

    private String auth() {
        return token().map(token -> "Authorization: Bearer " + token + "\r\n").orElse("");
    }

    private String post() {
        return "POST " + postPath() + " HTTP/1.1\r\n" + host() + auth();
    }

    private String pipelinedGet() {
        return "GET " + legitPath() + " HTTP/1.1\r\n" + host() + auth() + "\r\n";
    }

    private String legitGet() {
        return "GET " + legitPath() + " HTTP/1.1\r\n" + host() + auth() + "Connection: close\r\n\r\n";
    }

    private String legitGet(String authorization) {
        return "GET " + legitPath() + " HTTP/1.1\r\n" + host() + "Authorization: " + authorization + "\r\n"
                + "Connection: close\r\n\r\n";
    }

    /** Sends {@code raw} and expects one refusal with {@code status}, the connection closed, nothing passed on. */
    private String refused(String raw, int status) throws IOException {
        String answer = exchange(port(), raw);
        assertThat(answer).startsWith("HTTP/1.1 " + status + " ").contains("Connection: close\r\n");
        assertThat(answers(answer)).as("one answer, then closed: the pipelined request never ran").isEqualTo(1);
        assertNothingReachedTheBackend();
        return answer;
    }

    @Test
    void twoRequestsOnOneKeptAliveConnectionAreBothAnsweredInOrder() throws IOException {
        String wire = exchange(port(), pipelinedGet() + legitGet());
        assertThat(answers(wire)).isEqualTo(2);
        assertThat(wire.split("HTTP/1\\.1 200 OK\r\n", -1)).as("two 200s").hasSize(3);
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedAndThePipelinedRequestNeverRuns() throws IOException {
        assertThat(refused(post() + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + pipelinedGet(),
                400)).contains("Content-Length and Transfer-Encoding");
    }

    @Test
    void twoDifferentContentLengthsAreRefused() throws IOException {
        refused(post() + "Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 20\r\n\r\n{}"
                + pipelinedGet(), 400);
    }

    @Test
    void anUnknownTransferCodingIsNotImplemented() throws IOException {
        assertThat(refused(post() + "Transfer-Encoding: xchunked\r\nContent-Length: 2\r\n\r\n{}" + pipelinedGet(),
                501)).contains("Transfer-Encoding");
    }

    @Test
    void aBadChunkSizeIsRefusedAndLeavesNoStackTraceInTheLog() throws IOException {
        try (LoggedEvents log = new LoggedEvents("com.rpavision", "io.netty")) {
            for (String size : List.of("zz", "-1")) {
                assertThat(refused(post() + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + size + "\r\n{}\r\n0\r\n\r\n" + pipelinedGet(), 400)).as("chunk size " + size)
                        .contains("chunk");
            }
            assertThat(log.events()).as("log lines with a stack trace")
                    .noneMatch(event -> event.getThrowableProxy() != null)
                    .extracting(ILoggingEvent::getFormattedMessage).noneMatch(line -> line.contains("\tat "));
        }
    }

    @Test
    void aNegativeContentLengthIsRefused() throws IOException {
        refused(post() + "Content-Length: -5\r\n\r\n" + pipelinedGet(), 400);
    }

    @Test
    void twoHostHeadersAreRefused() throws IOException {
        assertThat(refused("GET " + legitPath() + " HTTP/1.1\r\n" + host() + "Host: evil.example\r\n" + auth() + "\r\n"
                + pipelinedGet(), 400)).contains("Host");
    }

    @Test
    void aMalformedRequestLineIsRefused() throws IOException {
        refused("GARBAGE\r\n\r\n" + pipelinedGet(), 400);
    }

    @Test
    void oversizedOrTooManyHeadersAreRefused() throws IOException {
        refused("GET " + legitPath() + " HTTP/1.1\r\n" + host() + "X-Filler: " + "a".repeat(70_000) + "\r\n\r\n",
                431);
        refused("GET /" + "a".repeat(9_000) + " HTTP/1.1\r\n" + host() + "\r\n", 414);
        assertThat(refused("GET " + legitPath() + " HTTP/1.1\r\n" + host() + "X-Many: 1\r\n".repeat(101) + "\r\n",
                431)).contains("more than 100 header fields");
    }

    @Test
    void aRequestTargetWithoutAPathIsRefused() throws IOException {
        for (String target : List.of("mailto:someone", "/a%zz")) {
            assertThat(exchange(port(), "GET " + target + " HTTP/1.1\r\n" + host() + auth() + "Connection: close\r\n\r\n"))
                    .as(target).startsWith("HTTP/1.1 400 ").contains("malformed request target");
        }
        assertNothingReachedTheBackend();
    }

    @Test
    void theBearerSchemeIsCaseInsensitive() throws IOException {
        assumeTrue(token().isPresent(), "this listener asks for no token");
        String token = token().get();
        for (String scheme : List.of("bearer", "BEARER", "Bearer")) {
            assertThat(exchange(port(), legitGet(scheme + " " + token))).as(scheme).startsWith("HTTP/1.1 200 OK\r\n");
        }
        assertThat(exchange(port(), legitGet("bearer " + "0".repeat(token.length())))).startsWith("HTTP/1.1 401 ");
        assertThat(exchange(port(), legitGet("Basic " + token))).startsWith("HTTP/1.1 401 ");
    }

    @Test
    void slowlorisConnectionsAreAnswered408AtTheHeadTimeoutWhileOthersAreServed() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                Socket socket = RawHttp.connect(port());
                RawHttp.send(socket, "GET " + legitPath() + " HTTP/1.1\r\nX");
                slow.add(socket);
            }
            long dripUntil = System.nanoTime() + LIMITS.headTimeout().toNanos() / 2; // no byte may wait unread at the 408
            for (int drip = 0; drip < 2 && System.nanoTime() < dripUntil; drip++) {
                for (Socket socket : slow) {
                    RawHttp.send(socket, "-"); // one more header byte each, never the end of the head
                }
                assertThat(exchange(port(), legitGet())).startsWith("HTTP/1.1 200 OK\r\n");
            }
            for (Socket socket : slow) {
                assertThat(RawHttp.readAll(socket.getInputStream())).as("a dripping connection's answer")
                        .startsWith("HTTP/1.1 408 Request Timeout\r\n").contains("Connection: close\r\n");
            }
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void twoThousandIdleConnectionsHoldNoThreadEach() throws IOException {
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 2_000; i++) {
                idle.add(RawHttp.connect(port()));
            }
            await().until(() -> openConnections() >= 2_000);
            assertThat(exchange(port(), legitGet())).startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore)
                    .as("threads started while 2,000 connections are open").isLessThan(50);
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }
}
