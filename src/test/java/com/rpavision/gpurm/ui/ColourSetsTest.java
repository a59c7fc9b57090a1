package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.ui.ThemeColours.Rgba;
import com.rpavision.gpurm.ui.ThemeColours.Theme;
import com.rpavision.gpurm.ui.tray.TrayIconPainter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The panel's colours come in three sets, modes, VRAM owners and alarms, and a colour means one thing (issue 25,
 * item 4): no two sets share a colour or come close to it, in either theme, and nothing outside app.css's palette
 * names a colour of its own.
 */
class ColourSetsTest {

    /** CIE76 distance under which two colours read as one at a glance. */
    private static final double APART = 20;
    /** The parts of the VRAM bar lie side by side: they need only to tell apart. */
    private static final double OWNERS_APART = 15;

    private static final List<String> SETS = List.of("mode", "owner", "alarm");

    private static Map<String, Map<String, Rgba>> sets(ThemeColours colours) {
        Rgba card = colours.seen(colours.declared(".card", "-fx-background-color"), null);
        Map<String, Map<String, Rgba>> sets = new LinkedHashMap<>();
        SETS.forEach(s -> sets.put(s, new LinkedHashMap<>()));
        colours.appRoot().forEach((name, value) -> {
            for (String set : SETS) {
                if (name.startsWith("-gpurm-" + set + "-")) {
                    sets.get(set).put(name.substring(("-gpurm-" + set + "-").length()), colours.seen(value, card));
                }
            }
        });
        return sets;
    }

    @ParameterizedTest
    @EnumSource(Theme.class)
    void eachSetHasItsMembers(Theme theme) {
        Map<String, Map<String, Rgba>> sets = sets(new ThemeColours(theme));
        assertThat(sets.get("mode")).containsOnlyKeys("idle", "recording", "autopilot");
        assertThat(sets.get("owner")).containsOnlyKeys("vlm", "clip", "other-models", "other-programs", "free");
        assertThat(sets.get("alarm")).containsOnlyKeys("error", "warning", "ok");
    }

    @ParameterizedTest
    @EnumSource(Theme.class)
    void noTwoSetsShareAColourOrComeCloseToOne(Theme theme) {
        Map<String, Map<String, Rgba>> sets = sets(new ThemeColours(theme));
        List<String> tooClose = new ArrayList<>();
        for (int i = 0; i < SETS.size(); i++) {
            for (int j = i + 1; j < SETS.size(); j++) {
                for (var a : sets.get(SETS.get(i)).entrySet()) {
                    for (var b : sets.get(SETS.get(j)).entrySet()) {
                        double d = a.getValue().distanceTo(b.getValue());
                        if (d < APART) {
                            tooClose.add(String.format(Locale.ROOT, "%s-%s %s ~ %s-%s %s (%.1f)", SETS.get(i), a.getKey(),
                                    a.getValue().hex(), SETS.get(j), b.getKey(), b.getValue().hex(), d));
                        }
                    }
                }
            }
        }
        assertThat(tooClose).as(theme + ": colours of two sets closer than " + APART).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Theme.class)
    void theBarsPartsTellApart(Theme theme) {
        List<Map.Entry<String, Rgba>> owners = List.copyOf(sets(new ThemeColours(theme)).get("owner").entrySet());
        List<String> tooClose = new ArrayList<>();
        for (int i = 0; i < owners.size(); i++) {
            for (int j = i + 1; j < owners.size(); j++) {
                double d = owners.get(i).getValue().distanceTo(owners.get(j).getValue());
                if (d < OWNERS_APART) {
                    tooClose.add(owners.get(i).getKey() + " ~ " + owners.get(j).getKey() + " " + d);
                }
            }
        }
        assertThat(tooClose).as(theme.toString()).isEmpty();
    }

    @Test
    void theTrayIconDrawsTheDarkThemesModeColoursOnItsDarkChip() {
        Map<String, Rgba> modes = sets(new ThemeColours(Theme.DARK)).get("mode");
        for (ExecutionMode mode : ExecutionMode.values()) {
            java.awt.Color c = TrayIconPainter.modeColor(mode);
            String name = mode.name().toLowerCase(Locale.ROOT);
            assertThat(String.format("#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue())).as(name)
                    .isEqualTo(modes.get(name).hex());
        }
    }

    @Test
    void theTrayIconsAlarmDotsAreTheDarkThemesAlarmColours() {
        Map<String, Rgba> alarms = sets(new ThemeColours(Theme.DARK)).get("alarm");
        Map<TrayIconPainter.Mark, String> dots = Map.of(TrayIconPainter.Mark.WARNING, "warning",
                TrayIconPainter.Mark.ALARM, "error");
        dots.forEach((mark, alarm) -> {
            java.awt.Color c = TrayIconPainter.alarmColor(mark);
            assertThat(String.format("#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue())).as(alarm)
                    .isEqualTo(alarms.get(alarm).hex());
        });
    }

    @Test
    void onlyThePaletteNamesColoursInAppCss() {
        Pattern literal = Pattern.compile("#[0-9a-fA-F]{3,6}\\b|\\brgba?\\(|\\b(white|black)\\b");
        List<String> outside = new ArrayList<>();
        for (ThemeColours.Rule r : new ThemeColours(Theme.LIGHT).appRules()) {
            if (r.selectors().contains(".root")) {
                continue;
            }
            r.declarations().forEach((property, value) -> {
                if (literal.matcher(value).find()) {
                    outside.add(r.selectors() + " " + property + ": " + value);
                }
            });
        }
        assertThat(outside).as("colours named outside app.css's .root palette").isEmpty();
    }

    @Test
    void noJavaSourceButTheTrayPainterNamesAColour() throws IOException {
        Pattern literal = Pattern.compile("\"#[0-9a-fA-F]{6}\"|new (java\\.awt\\.)?Color\\(|Color\\.(web|rgb|color)\\(");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (f.endsWith("TrayIconPainter.java")) {
                    continue;
                }
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (literal.matcher(lines.get(i)).find()) {
                        found.add(f + ":" + (i + 1) + " " + lines.get(i).trim());
                    }
                }
            }
        }
        assertThat(found).as("colours belong in app.css's palette").isEmpty();
    }
}
