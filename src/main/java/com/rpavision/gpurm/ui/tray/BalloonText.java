package com.rpavision.gpurm.ui.tray;

import java.util.ArrayList;
import java.util.List;

/**
 * Lays a notification's text out for the balloon AWT draws itself on Linux (XToolkit's {@code InfoWindow.Balloon},
 * behind an XEmbed tray). That balloon ignores line breaks and cuts the text on its own: each line runs to the
 * first word boundary at or past {@value #AWT_LINE} characters, at most {@value #AWT_LINES} lines. Left to it, the
 * idle-unload notice ended on a line holding only its full stop, and the French one began its second line with a
 * space (tools/tray-screenshots.sh shows both). Here the text is wrapped at spaces into as few lines as
 * {@value #COLUMNS} columns need, as evenly as those lines allow, and each line but the last is padded with spaces to
 * the balloon's {@value #AWT_LINE}, so the balloon breaks where this wrap did. Non-breaking spaces hold ("10 s").
 */
public final class BalloonText {

    /** XToolkit's balloon: a line ends at the first word boundary this many characters in. */
    static final int AWT_LINE = 50;
    /** XToolkit's balloon: lines shown, the last one ended with " ..." when text is left over. */
    static final int AWT_LINES = 4;
    /** The widest line here, short of {@link #AWT_LINE} so that every line but the last has padding. */
    static final int COLUMNS = 48;

    private BalloonText() {
    }

    /** The text for AWT's own balloon; unchanged in meaning, the words in the same order. */
    public static String fit(String text) {
        List<String> words = words(text);
        if (words.isEmpty()) {
            return "";
        }
        List<String> lines = wrap(words, COLUMNS);
        for (int width = longest(words); width < COLUMNS; width++) {
            List<String> even = wrap(words, width);
            if (even.size() == lines.size()) {
                lines = even; // the narrowest width that needs no more lines: no short last line
                break;
            }
        }
        if (lines.size() > AWT_LINES) {
            lines = new ArrayList<>(lines.subList(0, AWT_LINES));
            lines.set(AWT_LINES - 1, ellipsis(lines.get(AWT_LINES - 1)));
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            out.append(line);
            if (i < lines.size() - 1) {
                out.append(" ".repeat(AWT_LINE - line.length()));
            }
        }
        return out.toString();
    }

    /** The words between ordinary spaces; a word longer than {@link #COLUMNS} cut into pieces that fit. */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (String word : text.strip().split(" +")) {
            for (int start = 0; start < word.length(); start += COLUMNS) {
                words.add(word.substring(start, Math.min(word.length(), start + COLUMNS)));
            }
        }
        return words;
    }

    private static int longest(List<String> words) {
        return words.stream().mapToInt(String::length).max().orElse(0);
    }

    private static List<String> wrap(List<String> words, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : words) {
            if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    private static String ellipsis(String line) {
        return (line.length() < COLUMNS ? line : line.substring(0, COLUMNS - 1)) + "\u2026";
    }
}
