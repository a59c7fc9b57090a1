package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.core.model.Reason;

import java.util.List;
import java.util.Map;

/** Puts a core {@link Reason} in the operator's language; text the core got from elsewhere stays as it came. */
public final class ReasonText {

    private ReasonText() {
    }

    public static String of(Reason reason, Messages messages) {
        if (reason == null) {
            return "";
        }
        if (reason.code() == Reason.Code.OTHER) {
            return reason.text();
        }
        Object[] args = reason.args().stream().map(a -> a instanceof Reason inner ? of(inner, messages) : a).toArray();
        String text = messages.get("reason." + reason.code().name(), args);
        return text.startsWith("!") ? reason.text() : text;
    }

    /** The reason carried by an event's details ("reason_code", "reason_args", "reason"), or its plain text. */
    public static String ofEvent(Map<String, Object> details, Messages messages) {
        Object code = details.get("reason_code");
        Object text = details.getOrDefault("reason", "");
        if (code == null) {
            return String.valueOf(text);
        }
        try {
            Object args = details.get("reason_args");
            List<?> list = args instanceof List<?> l ? l : List.of();
            return of(new Reason(Reason.Code.valueOf(code.toString()), List.copyOf(list), String.valueOf(text)), messages);
        } catch (IllegalArgumentException e) {
            return String.valueOf(text);
        }
    }
}
