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
        if (reason.code() == Reason.Code.VLM_DOES_NOT_FIT) {
            args = fitArgs(args, messages);
        }
        String text = messages.get("reason." + reason.code().name(), args);
        return text.startsWith("!") ? reason.text() : text;
    }

    /**
     * A refused load's figures come in MiB and are written in GB in the panel's language; its biggest users, where
     * the core gave each one (name, pid or 0 for an Ollama model, MiB, after the English list), in its words too.
     */
    private static Object[] fitArgs(Object[] args, Messages messages) {
        Object[] out = args.clone();
        for (int i = 1; i <= 4 && i < out.length; i++) {
            out[i] = Gigabytes.ofArg(args[i], messages);
        }
        if (args.length > 6 && (args.length - 6) % 3 == 0) {
            List<String> users = new java.util.ArrayList<>();
            for (int i = 6; i < args.length; i += 3) {
                String size = Gigabytes.ofArg(args[i + 2], messages);
                boolean model = args[i + 1] instanceof Number pid && pid.longValue() == 0;
                users.add(model ? messages.get("reason.user.model", args[i], size)
                        : messages.get("reason.user.program", args[i], String.valueOf(args[i + 1]), size));
            }
            out[5] = String.join(messages.get("reason.user.separator"), users);
        }
        return out;
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
