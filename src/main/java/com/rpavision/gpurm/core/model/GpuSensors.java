package com.rpavision.gpurm.core.model;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a GPU's sensors say, each empty where the driver does not report it (many laptop GPUs give no power
 * figure; nvidia-smi prints "[N/A]").
 *
 * @param temperatureC    the GPU die's temperature, degrees Celsius
 * @param powerWatts      the board's power draw, watts
 * @param powerLimitWatts the power limit the driver enforces, watts
 */
public record GpuSensors(OptionalInt temperatureC, OptionalInt powerWatts, OptionalInt powerLimitWatts) {

    public static final GpuSensors UNKNOWN = new GpuSensors(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty());

    public GpuSensors {
        Objects.requireNonNull(temperatureC, "temperatureC");
        Objects.requireNonNull(powerWatts, "powerWatts");
        Objects.requireNonNull(powerLimitWatts, "powerLimitWatts");
        if (powerLimitWatts.isPresent() && powerLimitWatts.getAsInt() <= 0) {
            throw new IllegalArgumentException("power limit must be positive: " + powerLimitWatts.getAsInt());
        }
    }

    public static GpuSensors of(int temperatureC, int powerWatts, int powerLimitWatts) {
        return new GpuSensors(OptionalInt.of(temperatureC), OptionalInt.of(powerWatts), OptionalInt.of(powerLimitWatts));
    }

    /** The power draw as a share of the limit, 0-100 (above 100 when a board overshoots), when both are known. */
    public OptionalInt powerPercentOfLimit() {
        if (powerWatts.isEmpty() || powerLimitWatts.isEmpty()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) Math.round(100.0 * powerWatts.getAsInt() / powerLimitWatts.getAsInt()));
    }
}
