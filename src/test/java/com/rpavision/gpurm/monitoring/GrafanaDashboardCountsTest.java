package com.rpavision.gpurm.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet dashboard shows counts as whole numbers: Prometheus' increase() extrapolates to the window's edges (2.03
 * for two loads, 0.67 for one drift in a short window), so every panel that counts with it rounds, and shows no
 * decimals (issue 26). packaging/monitoring/ci-test.sh runs the queries against a real Prometheus; this needs none.
 */
class GrafanaDashboardCountsTest {

    private static final Path DASHBOARD = Path.of("packaging/monitoring/grafana-dashboard.json");

    @Test
    void everyCountIsRoundedAndShownWithoutDecimals() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> counts = new ArrayList<>();
        List<String> fractional = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                if (!expr.contains("increase(")) {
                    continue;
                }
                String where = panel.path("title").asText() + ": " + expr;
                counts.add(where);
                if (!expr.startsWith("round(") || panel.at("/fieldConfig/defaults/decimals").asInt(-1) != 0) {
                    fractional.add(where);
                }
            }
        }
        assertThat(counts).as("the dashboard counts things").hasSizeGreaterThanOrEqualTo(6);
        assertThat(fractional).as("counts shown with a fraction (round() and decimals 0)").isEmpty();
    }
}
