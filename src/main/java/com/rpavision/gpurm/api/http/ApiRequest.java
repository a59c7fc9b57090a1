package com.rpavision.gpurm.api.http;

import io.netty.handler.codec.http.HttpHeaders;

import java.net.URI;

/**
 * A request an {@link ApiService} answers, whole: its head and its body (read to the limit its admission set).
 *
 * @param headers read-only for the handler; Netty's, so a name matches in any case
 */
public record ApiRequest(String method, URI uri, HttpHeaders headers, byte[] body) {

    public String path() {
        return uri.getPath();
    }

    /** The first value of a header field, or null. */
    public String header(String name) {
        return headers.get(name);
    }
}
