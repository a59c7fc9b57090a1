package com.rpavision.gpurm.api;

import com.rpavision.gpurm.api.http.RawHttp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import static com.rpavision.gpurm.api.http.RawHttp.answers;
import static com.rpavision.gpurm.api.http.RawHttp.exchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hostile table of issue 24 against one listener, as an attacker on the same machine would send it: each
 * ambiguous or malformed request gets the answer RFC 9112 asks for and a closed connection, nothing of it reaches
 * the manager, and silent or idle connections hold neither a thread nor the listener. A listener's test extends it.
 */
abstract class HostileInputContract {

    /** The listener's port. */
    abstract int port();

    /** A GET that needs the token and answers 200 with it. */
    abstract String protectedPath();

    /** A path that takes a POST, for the framing rows (refused before any route is asked). */
    abstract String postPath();

    /** The token the listener asks for. */
    abstract String token();

    /** Connections the listener holds open now. */
    abstract int openConnections();

    /** Fails when a refused request changed anything. */
    abstract void assertNothingChanged();

    String host() {
        return "Host: 127.0.0.1:" + port() + "\r\n";
    }

    private String auth() {
        return "Authorization: Bearer " + token() + "\r\n";
    }

    private String post() {
        return "POST " + postPath() + " HTTP/1.1\r\n" + host() + auth();
    }

    private String pipelinedGet() {
        return "GET " + protectedPath() + " HTTP/1.1\r\n" + host() + auth() + "\r\n";
    }

    private String legitGet(String authorization) {
        return "GET " + protectedPath() + " HTTP/1.1\r\n" + host() + "Authorization: " + authorization + "\r\n"
                + "Connection: close\r\n\r\n";
    }

    @Test
    void twoRequestsOnOneKeptAliveConnectionAreBothAnsweredInOrder() throws IOException {
        String wire = exchange(port(), pipelinedGet() + legitGet("Bearer " + token()));
        assertThat(answers(wire)).isEqualTo(2);
        assertThat(wire.split("HTTP/1\\.1 200 OK\r\n", -1)).as("two 200s").hasSize(3);
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedAndThePipelinedRequestNeverRuns() throws IOException {
        String answer = exchange(port(), post() + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                + pipelinedGet());
        assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("Connection: close\r\n",
                "Content-Length and Transfer-Encoding");
        assertThat(answers(answer)).as("one answer, then closed").isEqualTo(1);
        assertNothingChanged();
    }

    @Test
    void twoDifferentContentLengthsAreRefused() throws IOException {
        String answer = exchange(port(), post() + "Content-Type: application/json\r\nContent-Length: 2\r\n"
                + "Content-Length: 20\r\n\r\n{}" + pipelinedGet());
        assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("Connection: close\r\n");
        assertThat(answers(answer)).isEqualTo(1);
        assertNothingChanged();
    }

    @Test
    void anUnknownTransferCodingIsNotImplemented() throws IOException {
        String answer = exchange(port(), post() + "Transfer-Encoding: xchunked\r\nContent-Length: 2\r\n\r\n{}" + pipelinedGet());
        assertThat(answer).startsWith("HTTP/1.1 501 Not Implemented\r\n").contains("Connection: close\r\n", "Transfer-Encoding");
        assertThat(answers(answer)).isEqualTo(1);
        assertNothingChanged();
    }

    @Test
    void aBadChunkSizeIsRefusedAndTheConnectionClosed() throws IOException {
        for (String size : List.of("zz", "-1")) {
            String answer = exchange(port(), post() + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + size + "\r\n{}\r\n0\r\n\r\n" + pipelinedGet());
            assertThat(answer).as("chunk size " + size).startsWith("HTTP/1.1 400 Bad Request\r\n")
                    .contains("Connection: close\r\n");
            assertThat(answers(answer)).isEqualTo(1);
        }
        assertNothingChanged();
    }

    @Test
    void aNegativeContentLengthIsRefused() throws IOException {
        String answer = exchange(port(), post() + "Content-Length: -5\r\n\r\n" + pipelinedGet());
        assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("Connection: close\r\n");
        assertThat(answers(answer)).isEqualTo(1);
        assertNothingChanged();
    }

    @Test
    void oversizedOrTooManyHeadersAreRefused() throws IOException {
        assertThat(exchange(port(), "GET " + protectedPath() + " HTTP/1.1\r\n" + host() + "X-Filler: " + "a".repeat(70_000)
                + "\r\n\r\n")).startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n").contains("Connection: close\r\n");
        assertThat(exchange(port(), "GET /" + "a".repeat(9_000) + " HTTP/1.1\r\n" + host() + "\r\n"))
                .startsWith("HTTP/1.1 414 ").contains("Connection: close\r\n");
        assertThat(exchange(port(), "GET " + protectedPath() + " HTTP/1.1\r\n" + host() + "X-Many: 1\r\n".repeat(101) + "\r\n"))
                .startsWith("HTTP/1.1 431 ").contains("more than 100 header fields");
    }

    @Test
    void aRequestTargetWithoutAPathIsRefused() throws IOException {
        for (String target : List.of("mailto:someone", "/a%zz")) {
            assertThat(exchange(port(), "GET " + target + " HTTP/1.1\r\n" + host() + auth() + "Connection: close\r\n\r\n"))
                    .as(target).startsWith("HTTP/1.1 400 ").contains("malformed request target");
        }
    }

    @Test
    void theBearerSchemeIsCaseInsensitive() throws IOException {
        for (String scheme : List.of("bearer", "BEARER", "Bearer")) {
            assertThat(exchange(port(), legitGet(scheme + " " + token()))).as(scheme).startsWith("HTTP/1.1 200 OK\r\n");
        }
        assertThat(exchange(port(), legitGet("bearer " + "0".repeat(token().length())))).startsWith("HTTP/1.1 401 ");
        assertThat(exchange(port(), legitGet("Basic " + token()))).startsWith("HTTP/1.1 401 ");
    }

    @Test
    void twoHostHeadersAreRefused() throws IOException {
        String answer = exchange(port(), "GET " + protectedPath() + " HTTP/1.1\r\n" + host() + "Host: evil.example\r\n" + auth()
                + "\r\n" + pipelinedGet());
        assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("Connection: close\r\n", "Host");
        assertThat(answers(answer)).isEqualTo(1);
    }

    @Test
    void silentConnectionsWithHalfAHeadDoNotKeepOthersWaiting() throws IOException {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                Socket socket = RawHttp.connect(port());
                RawHttp.send(socket, "GET " + protectedPath() + " HTTP/1.1\r\nHo");
                slow.add(socket);
            }
            assertThat(exchange(port(), legitGet("Bearer " + token()))).startsWith("HTTP/1.1 200 OK\r\n");
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
            assertThat(exchange(port(), legitGet("Bearer " + token()))).startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore)
                    .as("threads started while 2,000 connections are open").isLessThan(50);
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }
}
