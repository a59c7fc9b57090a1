package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.core.model.VlmDrift;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** A drift the manager observed, in the operator's language: "Unloaded outside the manager at 10:42: Ollama restarted". */
public final class DriftText {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");

    private DriftText() {
    }

    public static String of(VlmDrift drift, ZoneId zone, Messages messages) {
        return sentence(drift.cause().wireName(), drift.at(), drift.otherModel(), drift.otherMb(), drift.expected(),
                drift.observed(), drift.client(), zone, messages);
    }

    /** From a {@code vlm_drift} event's details. */
    public static String ofEvent(Instant at, Map<String, Object> details, ZoneId zone, Messages messages) {
        Object mb = details.getOrDefault("other_mb", 0);
        return sentence(String.valueOf(details.get("cause")), at, (String) details.get("other_model"),
                mb instanceof Number n ? n.longValue() : 0, String.valueOf(details.getOrDefault("expected", "")),
                String.valueOf(details.getOrDefault("observed", "")), (String) details.get("client"), zone, messages);
    }

    /**
     * {3} and {4}: the sizes before and after, where the manager measured them ("10500 MB" then "11268 MB, ...");
     * {5}: the proxied client that caused it, in the sentence kept for when one did ("drift.CAUSE.client").
     */
    private static String sentence(String cause, Instant at, String otherModel, long otherMb, String expected,
                                   String observed, String client, ZoneId zone, Messages messages) {
        java.text.NumberFormat number = java.text.NumberFormat.getIntegerInstance(messages.locale());
        String key = "drift." + cause;
        if (client != null && messages.bundle().containsKey(key + ".client")) {
            key += ".client";
        }
        String text = messages.get(key, TIME.withZone(zone).format(at),
                otherModel == null ? messages.get("drift.anotherClient") : otherModel, number.format(otherMb),
                leadingMb(expected).map(number::format).orElse("?"), leadingMb(observed).map(number::format).orElse("?"), client);
        return text.startsWith("!") ? cause : text;
    }

    private static java.util.Optional<Long> leadingMb(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+) MB").matcher(text == null ? "" : text);
        return m.find() ? java.util.Optional.of(Long.parseLong(m.group(1))) : java.util.Optional.empty();
    }
}
