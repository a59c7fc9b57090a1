package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.ui.ThemeColours.Rgba;
import com.rpavision.gpurm.ui.ThemeColours.Theme;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every text app.css colours, on the background it lies on, meets WCAG 2.x AA in both Primer themes (issue 25,
 * item 4): 4.5:1 for normal text, 3:1 for large text (the mode's name and the verdict: 1.9em bold, about 25 px).
 * The colours are read from app.css and Primer's stylesheets, so changing either re-checks them.
 */
class ContrastTest {

    private static final double NORMAL = 4.5;
    private static final double LARGE = 3.0;

    /** A text colour on a background, both as app.css declares them, the background over {@code under}. */
    private record Pair(String what, String text, String background, String under, boolean large) {
    }

    private static List<Pair> pairs(ThemeColours c) {
        String card = c.declared(".card", "-fx-background-color");
        String dashboard = c.declared(".dashboard", "-fx-background-color");
        String defaultText = "-color-fg-default";
        List<Pair> pairs = new ArrayList<>();
        for (String mode : List.of("idle", "recording", "autopilot")) {
            pairs.add(new Pair("mode name " + mode, c.declared(".mode-" + mode + " .mode-name", "-fx-text-fill"),
                    card, card, true));
            String button = ".segmented .toggle-button.mode-" + mode + "-button:selected";
            pairs.add(new Pair("selected mode button " + mode, c.declared(button, "-fx-text-fill"),
                    c.declared(button, "-fx-background-color"), card, false));
        }
        for (String verdict : List.of("ready", "loading", "switching", "not-loaded", "pushed-out", "slow", "error",
                "ollama-down")) {
            String s = ".verdict-" + verdict;
            pairs.add(new Pair("verdict " + verdict, c.declared(s, "-fx-text-fill"), c.declared(s, "-fx-background-color"),
                    card, true));
        }
        for (String badge : List.of(".badge", ".badge-ok", ".badge-gpu", ".badge-cpu", ".badge-busy", ".badge-error")) {
            pairs.add(new Pair("badge " + badge, c.declared(badge, "-fx-text-fill"),
                    c.declared(badge, "-fx-background-color"), card, false));
        }
        pairs.add(new Pair("demo banner", c.declared(".banner-demo", "-fx-text-fill"),
                c.declared(".banner-demo", "-fx-background-color"), dashboard, false));
        String degraded = c.declared(".banner-degraded", "-fx-background-color");
        pairs.add(new Pair("no-Ollama banner", defaultText, degraded, dashboard, false));
        pairs.add(new Pair("no-Ollama banner's retry countdown", c.declared(".muted", "-fx-text-fill"), degraded,
                dashboard, false));
        pairs.add(new Pair("condition banner", c.declared(".banner-condition > .label", "-fx-text-fill"),
                c.declared(".banner-condition", "-fx-background-color"), dashboard, false));
        pairs.add(new Pair("legend and card text", defaultText, card, card, false));
        pairs.add(new Pair("muted text on a card", c.declared(".muted", "-fx-text-fill"), card, card, false));
        pairs.add(new Pair("muted text on the dashboard", c.declared(".muted", "-fx-text-fill"), dashboard, dashboard,
                false));
        pairs.add(new Pair("error text", c.declared(".error-text", "-fx-text-fill"), card, card, false));
        pairs.add(new Pair("notice", c.declared(".notice", "-fx-text-fill"), card, card, false));
        pairs.add(new Pair("notification", c.declared(".notification-bar > .pane .label", "-fx-text-fill"),
                c.declared(".notification-bar > .pane", "-fx-background-color"), card, false));
        return pairs;
    }

    @ParameterizedTest
    @EnumSource(Theme.class)
    void everyTextMeetsAaOnItsBackground(Theme theme) {
        ThemeColours c = new ThemeColours(theme);
        List<String> failing = new ArrayList<>();
        List<Pair> pairs = pairs(c);
        for (Pair p : pairs) {
            Rgba under = c.seen(p.under, c.seen(card(c), null));
            Rgba background = c.seen(p.background, under);
            Rgba text = c.seen(p.text, background);
            double ratio = text.contrastWith(background);
            double needed = p.large ? LARGE : NORMAL;
            if (ratio < needed) {
                failing.add(String.format(Locale.ROOT, "%s: %s on %s = %.2f:1 (needs %.1f)", p.what, text.hex(),
                        background.hex(), ratio, needed));
            }
        }
        assertThat(pairs).hasSizeGreaterThan(25);
        assertThat(failing).as(theme + ": text under WCAG AA contrast").isEmpty();
    }

    private static String card(ThemeColours c) {
        return c.declared(".card", "-fx-background-color");
    }
}
