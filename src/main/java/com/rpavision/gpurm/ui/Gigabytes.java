package com.rpavision.gpurm.ui;

import java.text.NumberFormat;

/** A size in MiB written in GB in the panel's language: "8.6 GB", "8,6 Go" (1 GB = 1024 MiB, as NVML and Ollama count). */
public final class Gigabytes {

    private Gigabytes() {
    }

    public static String of(long mb, Messages messages) {
        NumberFormat format = NumberFormat.getNumberInstance(messages.locale());
        format.setMinimumFractionDigits(1);
        format.setMaximumFractionDigits(1);
        format.setRoundingMode(java.math.RoundingMode.HALF_UP); // as the core writes its English: 0.25 GB is "0.3 GB"
        return messages.get("vram.gigabytes", format.format(mb / 1024.0));
    }

    /** A reason's size argument: MiB from the core, written in GB; text (an older journal's "8.6 GB") as it came. */
    public static String ofArg(Object arg, Messages messages) {
        return arg instanceof Number mb ? of(mb.longValue(), messages) : String.valueOf(arg);
    }
}
