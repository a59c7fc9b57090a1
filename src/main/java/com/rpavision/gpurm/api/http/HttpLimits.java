package com.rpavision.gpurm.api.http;

import java.time.Duration;

/**
 * What one listener accepts, set once at its decoder: the sizes of a request's head, how long a head may take
 * to arrive and a kept-alive connection may sit idle, and how many connections may be open at once.
 *
 * @param maxRequestLine bytes of the request line
 * @param maxHeaderBytes bytes of all header fields together
 * @param maxHeaders     header fields, counted
 * @param headTimeout    from a request's first byte to the end of its head (slowloris ends here)
 * @param idleTimeout    a connection with no request under way is closed after this long
 * @param maxConnections connections open at once; the next is answered 503 and closed
 */
public record HttpLimits(int maxRequestLine, int maxHeaderBytes, int maxHeaders, Duration headTimeout,
                         Duration idleTimeout, int maxConnections) {

    public static final HttpLimits DEFAULTS = new HttpLimits(8 * 1024, 64 * 1024, 100, Duration.ofSeconds(10),
            Duration.ofMinutes(2), 4096);

    public HttpLimits withHeadTimeout(Duration timeout) {
        return new HttpLimits(maxRequestLine, maxHeaderBytes, maxHeaders, timeout, idleTimeout, maxConnections);
    }

    public HttpLimits withMaxConnections(int connections) {
        return new HttpLimits(maxRequestLine, maxHeaderBytes, maxHeaders, headTimeout, idleTimeout, connections);
    }
}
