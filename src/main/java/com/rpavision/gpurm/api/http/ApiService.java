package com.rpavision.gpurm.api.http;

import io.netty.handler.codec.http.HttpHeaders;

import java.net.URI;

/**
 * What a JSON API listener serves, in two steps: {@link #admit} on the event loop as soon as a request's head has
 * arrived (guards, route, method, media type: cheap, never blocking), so a refused request costs no thread and
 * none of its body is read; then {@link #handle} on the service's bounded executor with the whole body, where it
 * may wait for the manager as long as it must.
 */
public interface ApiService {

    /** A refusal to answer at once, or how many body bytes to read before {@link #handle}. */
    record Admission(ApiReply refusal, int bodyLimit) {

        public static Admission read(int bodyLimit) {
            return new Admission(null, bodyLimit);
        }

        public static Admission refuse(ApiReply refusal) {
            return new Admission(refusal, 0);
        }
    }

    /** On the event loop: must not block. */
    Admission admit(String method, URI uri, HttpHeaders headers);

    /** On the service's executor: may block. An exception is answered 500. */
    ApiReply handle(ApiRequest request) throws Exception;

    /**
     * Whether {@link #handle} answers this request from what is known now, without waiting or blocking (a status
     * read from snapshots): it then runs on the event loop, sparing a request polled many times a second the two
     * thread hops to the executor and back.
     */
    default boolean answersAtOnce(ApiRequest request) {
        return false;
    }
}
