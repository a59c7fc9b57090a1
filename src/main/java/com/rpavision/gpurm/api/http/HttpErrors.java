package com.rpavision.gpurm.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The answers a listener gives itself: {@code {"error": "..."}}, sized, never cached. */
public final class HttpErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpErrors() {
    }

    /** @param close adds {@code Connection: close}: the caller closes the connection once it is written */
    public static FullHttpResponse json(int status, String message, boolean close) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body(message)));
        response.headers().set("Content-Type", "application/json; charset=utf-8")
                .set("Cache-Control", "no-store")
                .set("Content-Length", response.content().readableBytes());
        if (close) {
            response.headers().set("Connection", HttpHeaderValues.CLOSE);
        }
        return response;
    }

    /** The same answer as raw bytes, for a handler that sits below the HTTP codec; the connection closes after it. */
    static ByteBuf raw(int status, String message) {
        byte[] body = body(message);
        String head = "HTTP/1.1 " + HttpResponseStatus.valueOf(status) + "\r\nContent-Type: application/json; charset=utf-8"
                + "\r\nCache-Control: no-store\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.ISO_8859_1), body);
    }

    private static byte[] body(String message) {
        try {
            return JSON.writeValueAsBytes(Map.of("error", message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
