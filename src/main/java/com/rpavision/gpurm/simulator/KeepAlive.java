package com.rpavision.gpurm.simulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Ollama's {@code keep_alive}: seconds as a number, a Go duration ("5m", "1h30m"), negative for forever, 0 to unload. */
final class KeepAlive {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s)");

    private KeepAlive() {
    }

    static Optional<Duration> parse(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return Optional.empty();
        }
        if (value.isNumber()) {
            return Optional.of(seconds(value.asDouble()));
        }
        String text = value.asText().trim();
        if (text.matches("-?\\d+(\\.\\d+)?")) {
            return Optional.of(seconds(Double.parseDouble(text)));
        }
        boolean negative = text.startsWith("-");
        Matcher m = PART.matcher(negative ? text.substring(1) : text);
        Duration total = Duration.ZERO;
        while (m.find()) {
            double n = Double.parseDouble(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> seconds(n * 3600);
                case "m" -> seconds(n * 60);
                case "s" -> seconds(n);
                default -> Duration.ofNanos((long) (n * 1_000_000));
            });
        }
        return Optional.of(negative ? Duration.ofSeconds(-1) : total);
    }

    private static Duration seconds(double seconds) {
        return seconds < 0 ? Duration.ofSeconds(-1) : Duration.ofNanos((long) (seconds * 1e9));
    }
}
