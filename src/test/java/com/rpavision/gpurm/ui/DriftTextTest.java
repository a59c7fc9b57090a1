package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.core.model.DriftCause;
import com.rpavision.gpurm.core.model.VlmDrift;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DriftTextTest {

    private static final Instant AT = Instant.parse("2026-12-07T10:42:07Z");
    private static final Messages EN = new Messages(Locale.ENGLISH);
    private static final Messages FR = new Messages(Locale.FRENCH);

    private static VlmDrift reload(String client) {
        VlmDrift drift = new VlmDrift(AT, DriftCause.RELOADED_WITH_OTHER_OPTIONS, "10500 MB", "11268 MB, back after 1.1 s",
                null, 0);
        return client == null ? drift : drift.byClient(client, "a request from " + client + " asked num_ctx=16384");
    }

    @Test
    void aReloadNamesTheProxiedClientWhenOneCausedItAndBothSizes() {
        assertThat(DriftText.of(reload("rpa-agent/3.1"), ZoneOffset.UTC, EN))
                .isEqualTo("Reloaded with other runner options at 10:42 for rpa-agent/3.1 (through the proxy): 10,500 MB \u2192 11,268 MB");
        assertThat(DriftText.of(reload("rpa-agent/3.1"), ZoneOffset.UTC, FR))
                .contains("pour rpa-agent/3.1 (par le proxy)").contains("10\u202f500 Mo \u2192 11\u202f268 Mo");
    }

    @Test
    void aReloadByAClientThatWentToOllamaDirectlyNamesNone() {
        assertThat(DriftText.of(reload(null), ZoneOffset.UTC, EN))
                .isEqualTo("Reloaded with other runner options at 10:42: 10,500 MB \u2192 11,268 MB");
    }

    @Test
    void theEventsDetailsSayTheSame() {
        VlmDrift drift = reload("rpa-agent/3.1");
        Map<String, Object> details = Map.of("cause", "reloaded_with_other_options", "expected", drift.expected(),
                "observed", drift.observed(), "other_mb", 0L, "client", "rpa-agent/3.1");
        assertThat(DriftText.ofEvent(AT, details, ZoneOffset.UTC, EN)).isEqualTo(DriftText.of(drift, ZoneOffset.UTC, EN));
    }
}
