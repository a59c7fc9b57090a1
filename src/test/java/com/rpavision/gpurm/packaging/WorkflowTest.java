package com.rpavision.gpurm.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hosted CI workflow runs only what the README tells a person to run (README "Windows, proven by CI"), so that
 * a failure there can be reproduced by hand: every line of every {@code run:} step must be a line, or part of a
 * line, of the README. actionlint (in .ci/run) checks the workflow's own syntax and expressions.
 */
class WorkflowTest {

    private static final Path WORKFLOW = Path.of(".github", "workflows", "build.yml");

    private static JsonNode workflow() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(WORKFLOW.toFile());
    }

    /** Each command line of each run step, with its job's name. */
    static List<String> runLines(JsonNode workflow) {
        List<String> lines = new ArrayList<>();
        workflow.path("jobs").fields().forEachRemaining(job -> {
            for (JsonNode step : job.getValue().path("steps")) {
                if (step.has("run")) {
                    step.get("run").asText().lines().map(String::trim)
                            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                            .forEach(l -> lines.add(job.getKey() + ": " + l));
                }
            }
        });
        return lines;
    }

    @Test
    void everyCommandTheWorkflowRunsIsInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<String> lines = runLines(workflow());

        assertThat(lines).as("run steps found").hasSizeGreaterThan(5);
        assertThat(lines).allSatisfy(line ->
                assertThat(readme).as("README gives %s", line).contains(line.substring(line.indexOf(": ") + 2)));
    }

    @Test
    void itBuildsOnHostedLinuxAndWindowsWithTemurin17() throws IOException {
        JsonNode build = workflow().path("jobs").path("build");

        assertThat(build.path("strategy").path("matrix").path("os")).extracting(JsonNode::asText)
                .containsExactly("ubuntu-latest", "windows-latest");
        JsonNode java = null;
        for (JsonNode step : build.path("steps")) {
            if (step.path("uses").asText().startsWith("actions/setup-java@")) {
                java = step.path("with");
            }
        }
        assertThat(java).as("a setup-java step").isNotNull();
        assertThat(java.path("distribution").asText()).isEqualTo("temurin");
        assertThat(java.path("java-version").asText()).isEqualTo("17");
    }

    @Test
    void aRunLineMissingFromTheReadmeIsFound() throws IOException {
        JsonNode withExtraStep = new ObjectMapper(new YAMLFactory()).readTree("""
                jobs:
                  build:
                    steps:
                      - run: |
                          # a comment is not a command
                          ./mvnw -B -ntp verify
                          only-in-yaml --flag
                """);
        String readme = Files.readString(Path.of("README.md"));

        assertThat(runLines(withExtraStep)).containsExactly("build: ./mvnw -B -ntp verify", "build: only-in-yaml --flag")
                .filteredOn(line -> !readme.contains(line.substring(line.indexOf(": ") + 2)))
                .containsExactly("build: only-in-yaml --flag");
    }
}
