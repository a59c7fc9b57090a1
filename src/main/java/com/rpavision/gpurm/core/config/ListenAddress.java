package com.rpavision.gpurm.core.config;

import java.util.Optional;

/**
 * A {@code host:port} to listen on, as the configuration writes it: {@code 0.0.0.0:9836}, {@code 192.168.1.20:9836},
 * {@code [::]:9836} or a host name. Port 1-65535; a scraper needs a port it can be told.
 */
public record ListenAddress(String host, int port) {

    public static ListenAddress parse(String text) {
        Optional<String> problem = problem(text);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
        int colon = text.lastIndexOf(':');
        String host = text.substring(0, colon);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return new ListenAddress(host, Integer.parseInt(text.substring(colon + 1)));
    }

    /** What is wrong with {@code text} as host:port, in words, or empty. */
    static Optional<String> problem(String text) {
        int colon = text.lastIndexOf(':');
        String form = "must be host:port, like 0.0.0.0:9836, 192.168.1.20:9836 or [::]:9836; got '" + text + "'";
        if (colon <= 0) {
            return Optional.of(form);
        }
        String host = text.substring(0, colon);
        boolean bracketed = host.startsWith("[") && host.endsWith("]") && host.length() > 2;
        if (host.contains(":") && !bracketed || host.isBlank() || host.contains(" ")) {
            return Optional.of(form);
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            return port >= 1 && port <= 65_535 ? Optional.empty()
                    : Optional.of("needs a port between 1 and 65535; got '" + text + "'");
        } catch (NumberFormatException e) {
            return Optional.of(form);
        }
    }

    /** The address as a URL's authority: IPv6 in brackets. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
