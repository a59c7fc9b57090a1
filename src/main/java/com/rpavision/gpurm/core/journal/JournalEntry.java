package com.rpavision.gpurm.core.journal;

import com.rpavision.gpurm.core.model.EventType;

import java.time.Instant;
import java.util.Map;

/** One line of the journal: when, what, and the event's details as written. */
public record JournalEntry(Instant at, EventType type, Map<String, Object> details) {

    public JournalEntry {
        details = Map.copyOf(details);
    }

    public long longDetail(String key) {
        Object v = details.get(key);
        return v instanceof Number n ? n.longValue() : 0;
    }

    public String textDetail(String key) {
        Object v = details.get(key);
        return v == null ? "" : v.toString();
    }
}
