package com.rpavision.gpurm.core.ollama;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ollama's answers as bytes on the wire, read as the forwarder reads them. */
class UpstreamAnswerTest {

    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "connection");

    private static InputStream wire(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void skipsInterimAnswersAndKeepsHeaderNamesAsWritten() throws IOException {
        InputStream in = wire("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + "X-Odd-Case: a\r\nx-odd-case: b\r\nContent-Length: 2\r\n\r\n{}");
        UpstreamAnswer answer = UpstreamAnswer.read(in, 1024, FRAMING);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.length()).isEqualTo(2);
        assertThat(answer.persistent()).isTrue();
        assertThat(answer.headers()).containsOnlyKeys("Content-Type", "X-Odd-Case", "x-odd-case");
        assertThat(answer.headers().get("X-Odd-Case")).isEqualTo(List.of("a"));
    }

    @Test
    void decodesChunksWithExtensionsAndTrailers() throws IOException {
        InputStream in = wire("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;x=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\nHTTP/1.1 204");
        UpstreamAnswer answer = UpstreamAnswer.read(in, 1024, FRAMING);
        assertThat(answer.chunked()).isTrue();
        assertThat(answer.length()).isEqualTo(-1);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        UpstreamAnswer.copyChunked(in, body, 3);
        assertThat(body.toString(StandardCharsets.ISO_8859_1)).isEqualTo("hello world");
        assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).as("the next answer untouched").isEqualTo("HTTP/1.1 204");
    }

    @Test
    void aBodyCutShortOfItsLengthIsAnError() throws IOException {
        InputStream in = wire("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345");
        UpstreamAnswer answer = UpstreamAnswer.read(in, 1024, FRAMING);
        assertThatThrownBy(() -> UpstreamAnswer.copy(in, new ByteArrayOutputStream(), answer.length(), 4))
                .isInstanceOf(EOFException.class).hasMessageContaining("5 bytes short");
    }

    @Test
    void anHttp10AnswerOrConnectionCloseEndsTheConnection() throws IOException {
        assertThat(UpstreamAnswer.read(wire("HTTP/1.0 200 OK\r\n\r\nall of it"), 1024, FRAMING).persistent()).isFalse();
        assertThat(UpstreamAnswer.read(wire("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"), 1024, FRAMING)
                .persistent()).isTrue();
        assertThat(UpstreamAnswer.read(wire("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"), 1024, FRAMING).persistent()).isFalse();
    }

    @Test
    void garbageOrNothingIsNotAnAnswer() {
        assertThatThrownBy(() -> UpstreamAnswer.read(wire(""), 1024, FRAMING)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> UpstreamAnswer.read(wire("SSH-2.0-OpenSSH\r\n\r\n"), 1024, FRAMING)).isInstanceOf(IOException.class);
    }
}
