package com.rpavision.gpurm.core.model;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Something changed in the managed resources; {@code details} keys are snake_case, values JSON-friendly. */
public record ResourceChangedEvent(Instant timestamp, EventType type, Map<String, Object> details) {

    public ResourceChangedEvent {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(type, "type");
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** Builds an event from alternating key/value pairs; null values are left out. */
    public static ResourceChangedEvent of(Instant timestamp, EventType type, Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("details need key/value pairs");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                details.put((String) keyValues[i], keyValues[i + 1]);
            }
        }
        return new ResourceChangedEvent(timestamp, type, details);
    }

    public String eventType() {
        return type.wireName();
    }
}
