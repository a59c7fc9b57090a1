package com.rpavision.gpurm.app;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DisplayCheckTest {

    @Test
    void linuxWithoutADisplaySuggestsHeadlessInOneLine() {
        assertThat(DisplayCheck.problem(Map.of(), "Linux")).hasValueSatisfying(line -> {
            assertThat(line).contains("--headless").doesNotContain("\n");
        });
    }

    @Test
    void anX11OrWaylandDisplayOrAnotherSystemIsFine() {
        assertThat(DisplayCheck.problem(Map.of("DISPLAY", ":0"), "Linux")).isEmpty();
        assertThat(DisplayCheck.problem(Map.of("WAYLAND_DISPLAY", "wayland-0"), "Linux")).isEmpty();
        assertThat(DisplayCheck.problem(Map.of(), "Windows 11")).isEmpty();
    }
}
