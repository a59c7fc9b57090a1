package com.rpavision.gpurm.ui.prefs;

/**
 * The panel's own preferences (not the manager's configuration): theme, language, window placement.
 *
 * @param windowX NaN until the window was placed once
 */
public record UiPreferences(Theme theme, Language language, double windowX, double windowY,
                            double windowWidth, double windowHeight, boolean maximized) {

    public enum Theme { SYSTEM, LIGHT, DARK }

    public enum Language { SYSTEM, EN, FR }

    public static UiPreferences defaults() {
        return new UiPreferences(Theme.SYSTEM, Language.SYSTEM, Double.NaN, Double.NaN, 1180, 800, false);
    }

    public boolean hasPlacement() {
        return !Double.isNaN(windowX) && !Double.isNaN(windowY);
    }

    public UiPreferences withTheme(Theme value) {
        return new UiPreferences(value, language, windowX, windowY, windowWidth, windowHeight, maximized);
    }

    public UiPreferences withLanguage(Language value) {
        return new UiPreferences(theme, value, windowX, windowY, windowWidth, windowHeight, maximized);
    }

    public UiPreferences withWindow(double x, double y, double width, double height, boolean max) {
        return new UiPreferences(theme, language, x, y, width, height, max);
    }
}
