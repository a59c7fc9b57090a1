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
        return sentence(drift.cause().wireName(), drift.at(), drift.otherModel(), drift.otherMb(), zone, messages);
    }

    /** From a {@code vlm_drift} event's details. */
    public static String ofEvent(Instant at, Map<String, Object> details, ZoneId zone, Messages messages) {
        Object mb = details.getOrDefault("other_mb", 0);
        return sentence(String.valueOf(details.get("cause")), at, (String) details.get("other_model"),
                mb instanceof Number n ? n.longValue() : 0, zone, messages);
    }

    private static String sentence(String cause, Instant at, String otherModel, long otherMb, ZoneId zone, Messages messages) {
        String text = messages.get("drift." + cause, TIME.withZone(zone).format(at),
                otherModel == null ? messages.get("drift.anotherClient") : otherModel,
                java.text.NumberFormat.getIntegerInstance(messages.locale()).format(otherMb));
        return text.startsWith("!") ? cause : text;
    }
}
