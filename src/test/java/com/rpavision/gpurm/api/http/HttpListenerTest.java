package com.rpavision.gpurm.api.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.channel.ChannelDuplexHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The listener on the wire, with an echo application: raw requests, exact answers. */
class HttpListenerTest {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** Answers "METHOD /path body", sized; closes when the client asked. */
    private static final class Echo extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            byte[] text = (request.method() + " " + request.uri() + " " + request.content().toString(StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(text));
            response.headers().set("Content-Length", text.length);
            boolean keep = HttpUtil.isKeepAlive(request);
            if (!keep) {
                response.headers().set("Connection", "close");
            }
            var written = ctx.writeAndFlush(response);
            if (!keep) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    private HttpListener listener(HttpLimits limits) throws IOException {
        HttpListener listener = HttpListener.open(InetAddress.getLoopbackAddress(), 0, limits, () -> new ChannelDuplexHandler() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                ctx.pipeline().addAfter(ctx.name(), "aggregate", new HttpObjectAggregator(1024));
                ctx.pipeline().addAfter("aggregate", "echo", new Echo());
            }
        });
        open.add(listener);
        return listener;
    }

    private static Socket connect(HttpListener listener) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.port());
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static String exchange(HttpListener listener, String raw) throws IOException {
        try (Socket socket = connect(listener)) {
            socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            return readAll(socket.getInputStream());
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void keepsTheConnectionForTheNextRequestAndReadsAChunkedBodyAfter100Continue() throws IOException {
        String answer = exchange(listener(HttpLimits.DEFAULTS), "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                + "POST /c HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n");
        assertThat(answer).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nPOST /a hello"
                + "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 13\r\nConnection: close\r\n\r\nPOST /c abcde");
    }

    @Test
    void answersHttp10AndClosesIt() throws IOException {
        assertThat(exchange(listener(HttpLimits.DEFAULTS), "GET /old HTTP/1.0\r\nHost: x\r\n\r\n"))
                .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nGET /old ");
    }

    @Test
    void aHeadThatDoesNotArriveInTimeIsAnswered408AndClosed() throws Exception {
        HttpListener listener = listener(HttpLimits.DEFAULTS.withHeadTimeout(Duration.ofMillis(300)));
        try (Socket slow = connect(listener)) {
            slow.getOutputStream().write("GET / HTTP/1.1\r\nHo".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readAll(slow.getInputStream())).startsWith("HTTP/1.1 408 Request Timeout\r\n")
                    .contains("Connection: close\r\n");
        }
        assertThat(exchange(listener, "GET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).endsWith("GET /next ");
    }

    @Test
    void theConnectionBeyondTheCapIsAnswered503AndTheOthersAreServed() throws Exception {
        HttpListener listener = listener(HttpLimits.DEFAULTS.withMaxConnections(2));
        try (Socket first = connect(listener); Socket second = connect(listener)) {
            org.awaitility.Awaitility.await().until(() -> listener.connections() == 2);
            assertThat(exchange(listener, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                    .contains("too many connections");
            first.getOutputStream().write("GET /kept HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readAll(first.getInputStream())).endsWith("GET /kept ");
        }
    }

    /**
     * tools/chaos/sigterm-during-load.py, SIGTERM at once after the mode request: now and then the request's new
     * connection was closed unanswered, as idle, because its bytes had not been read yet. A connection that has not
     * sent its first request, or only part of its head, is on its way to one: it gets the stop's grace.
     */
    @Test
    void theStopAnswersARequestWhoseConnectionWasOpenBeforeItButWhoseHeadCameAfter() throws Exception {
        HttpListener listener = listener(HttpLimits.DEFAULTS);
        try (Socket fresh = connect(listener); Socket halfway = connect(listener)) {
            halfway.getOutputStream().write("POST /mode HTTP/1.1\r\nHo".getBytes(StandardCharsets.ISO_8859_1));
            org.awaitility.Awaitility.await().until(() -> listener.connections() == 2);
            java.util.concurrent.CompletableFuture<Void> stopping =
                    java.util.concurrent.CompletableFuture.runAsync(() -> listener.stop(Duration.ofSeconds(30)));
            org.awaitility.Awaitility.await().until(() -> refused(listener.port())); // the stop is under way

            fresh.getOutputStream().write("GET /fresh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            halfway.getOutputStream().write("st: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));

            assertThat(readAll(fresh.getInputStream())).endsWith("GET /fresh ");
            assertThat(readAll(halfway.getInputStream())).endsWith("POST /mode ");
            stopping.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** The stop does not wait its grace for a kept-alive connection that has answered and sent nothing since. */
    @Test
    void theStopClosesAKeptAliveConnectionWithNoRequestUnderWayAtOnce() throws Exception {
        HttpListener listener = listener(HttpLimits.DEFAULTS);
        try (Socket kept = connect(listener)) {
            kept.getOutputStream().write("GET /kept HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            byte[] answer = new byte["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nGET /kept ".length()];
            new java.io.DataInputStream(kept.getInputStream()).readFully(answer);

            java.util.concurrent.CompletableFuture.runAsync(() -> listener.stop(Duration.ofMinutes(5)))
                    .get(30, java.util.concurrent.TimeUnit.SECONDS); // not the grace's five minutes
            assertThat(kept.getInputStream().read()).as("closed by the stop").isEqualTo(-1);
        }
    }

    private static boolean refused(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void listensOnLoopbackOnly() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpListener.open(InetAddress.getByName("0.0.0.0"), 0,
                HttpLimits.DEFAULTS, Echo::new)).isInstanceOf(IllegalArgumentException.class);
    }
}
