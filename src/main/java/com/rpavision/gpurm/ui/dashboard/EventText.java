package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.ReasonText;

import java.time.ZoneId;
import java.util.Map;

/** One event of the manager as a line of the event log, in the operator's language. */
final class EventText {

    private final Messages messages;
    private final ZoneId zone;

    EventText(Messages messages, ZoneId zone) {
        this.messages = messages;
        this.zone = zone;
    }

    String describe(ResourceChangedEvent e) {
        Map<String, Object> d = e.details();
        String key = "event." + e.eventType();
        return switch (e.type()) {
            case MODE_CHANGED -> d.get("restored") != null
                    ? messages.get("event.mode_restored." + d.get("restored"), modeName(d.get("to")))
                    : messages.get(key, modeName(d.get("from")), modeName(d.get("to")));
            case MODEL_LOADED -> messages.get(key, d.get("model"), seconds(d.get("duration_ms")));
            case MODEL_UNLOADED, OTHER_MODEL_UNLOADED -> Boolean.TRUE.equals(d.get("cancelled"))
                    ? messages.get("event.load_cancelled", d.get("model"), seconds(d.get("duration_ms")))
                    : d.get("vram_freed_mb") == null ? unmeasured(e) // it left outside the manager: nothing measured
                    : messages.get(key, d.get("model"), d.get("vram_freed_mb"));
            // CLIP reports its failed moves as model errors too: the operator knows it as the image matcher
            case MODEL_ERROR -> modelError(d, key);
            case DEVICE_CHANGED -> messages.get(key, d.get("model"), messages.get("device." + d.get("to")));
            case IDLE_UNLOAD -> messages.get(key, d.get("model"), d.get("idle_seconds"));
            case DEGRADED_ON -> messages.get(key, ReasonText.ofEvent(d, messages));
            case DEGRADED_OFF -> messages.get(key, d.getOrDefault("ollama_version", d.get("component")));
            case VRAM_CHANGED -> messages.get(key, d.get("used_mb"), signed(d.get("delta_mb")));
            case MODEL_LOADING, MODEL_UNLOADING -> messages.get(key, d.get("model"));
            case VLM_DRIFT -> messages.get(key, d.get("model"),
                    afterColon(com.rpavision.gpurm.ui.DriftText.ofEvent(e.timestamp(), d, zone, messages)));
            case CONDITION_CHANGED -> Boolean.TRUE.equals(d.get("active"))
                    ? messages.get("event.condition_on", ReasonText.ofEvent(d, messages))
                    : messages.get("event.condition_off", messages.get("condition." + d.get("condition")));
        };
    }

    /**
     * A sentence the card shows on its own, continued after "Vision model X: " in the log: lower case then, as
     * French wants after a colon ("évincé à 08:07"), unless it starts with an acronym ("GPU").
     */
    static String afterColon(String sentence) {
        if (sentence.length() < 2 || !Character.isUpperCase(sentence.charAt(0)) || Character.isUpperCase(sentence.charAt(1))) {
            return sentence;
        }
        return Character.toLowerCase(sentence.charAt(0)) + sentence.substring(1);
    }

    private String modelError(Map<String, Object> d, String key) {
        String reason = ReasonText.ofEvent(d, messages);
        if (String.valueOf(d.get("reason_code")).startsWith("CLIP_")) {
            return messages.get(key + ".clip", d.get("model"), reason);
        }
        // "Model llava:34b is not installed…" names the model already: "Vision model llava:34b: " would say it twice
        return d.get("model") != null && reason.contains(String.valueOf(d.get("model")))
                ? messages.get(key + ".named", reason) : messages.get(key, d.get("model"), reason);
    }

    /**
     * The line a VRAM change is added to: an unload's own freed figure is left out there, so that the line gives one
     * figure, the change measured ("unloaded; VRAM 6,510 MB used (-5,300 MB)"), never two that disagree.
     */
    String beforeVramChange(ResourceChangedEvent e, String text) {
        boolean unloaded = (e.type() == EventType.MODEL_UNLOADED || e.type() == EventType.OTHER_MODEL_UNLOADED)
                && !Boolean.TRUE.equals(e.details().get("cancelled"));
        if (e.type() == EventType.IDLE_UNLOAD) {
            return messages.get("event.idle_unload", e.details().get("model"), e.details().get("idle_seconds"));
        }
        return unloaded ? unmeasured(e) : text;
    }

    private String unmeasured(ResourceChangedEvent e) {
        return messages.get("event." + e.eventType() + ".unmeasured", e.details().get("model"));
    }

    private String modeName(Object wireName) {
        return messages.get("mode." + ExecutionMode.fromWireName(String.valueOf(wireName)).name());
    }

    /** "3.0" in English, "3,0" in French. */
    private String seconds(Object millis) {
        if (!(millis instanceof Number n)) {
            return "?";
        }
        java.text.NumberFormat format = java.text.NumberFormat.getNumberInstance(messages.locale());
        format.setMinimumFractionDigits(1);
        format.setMaximumFractionDigits(1);
        return format.format(n.doubleValue() / 1000);
    }

    String signed(Object delta) {
        if (!(delta instanceof Number n)) {
            return String.valueOf(delta);
        }
        String digits = java.text.NumberFormat.getIntegerInstance(messages.locale()).format(n.longValue());
        return n.longValue() > 0 ? "+" + digits : digits;
    }
}
