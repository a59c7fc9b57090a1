package com.rpavision.gpurm.ui.tray;

import com.rpavision.gpurm.ui.Messages;
import org.junit.jupiter.api.Test;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class BalloonTextTest {

    /**
     * The lines XToolkit's balloon shows for a text (JDK 17, sun.awt.X11.InfoWindow.Balloon): a line ends at the
     * first word boundary 50 or more characters after its start, or at the text's end; after 4 lines the rest is
     * dropped and the fourth gets " ...".
     */
    static List<String> awtLines(String text) {
        BreakIterator words = BreakIterator.getWordInstance();
        words.setText(text);
        List<String> lines = new ArrayList<>();
        int start = words.first();
        for (int end = words.next(); ; end = words.next()) {
            if (end == BreakIterator.DONE || end - start >= 50) {
                lines.add(text.substring(start, end == BreakIterator.DONE ? words.last() : end));
                start = end;
            }
            if (lines.size() == 4) {
                if (end != BreakIterator.DONE) {
                    lines.set(3, lines.get(3) + " ...");
                }
                return lines;
            }
            if (end == BreakIterator.DONE) {
                return lines;
            }
        }
    }

    private static String idleUnload(Locale locale) {
        return new Messages(locale).get("notify.idleUnload.text", "qwen3-vl:8b", 10);
    }

    @Test
    void leftToAwtTheIdleUnloadNoticeEndsOnALineOfItsFullStop() {
        assertThat(awtLines(idleUnload(Locale.ENGLISH))).last().isEqualTo(".");
    }

    @Test
    void theIdleUnloadNoticeBreaksIntoTwoEvenLinesInEnglishAndFrench() {
        assertThat(awtLines(BalloonText.fit(idleUnload(Locale.ENGLISH))).stream().map(String::strip))
                .containsExactly("qwen3-vl:8b was idle for", "10\u00a0s; its VRAM is free again.");
        assertThat(awtLines(BalloonText.fit(idleUnload(Locale.FRENCH))).stream().map(String::strip))
                .containsExactly("qwen3-vl:8b \u00e9tait inactif depuis", "10\u00a0s\u00a0; sa VRAM est de nouveau libre.");
    }

    @Test
    void everyLineStartsOnAWordAndKeepsItsWordsInOrder() {
        String reason = "Not loading qwen3-vl:8b: it needs about 7.4 GB of VRAM and 3.2 GB is available on NVIDIA GeForce"
                + " RTX 4090 (22.7 GB free, 19.5 GB kept as margin).";
        List<String> lines = awtLines(BalloonText.fit(reason));
        assertThat(lines).hasSizeBetween(2, 4).allSatisfy(line -> {
            assertThat(line).doesNotStartWith(" ");
            assertThat(line.strip().length()).isLessThanOrEqualTo(BalloonText.COLUMNS);
        });
        assertThat(String.join(" ", lines.stream().map(String::strip).toList())).isEqualTo(reason);
    }

    @Test
    void aTextPastFourLinesEndsInAnEllipsisOfOurs() {
        String text = "word ".repeat(60).strip();
        List<String> lines = awtLines(BalloonText.fit(text));
        assertThat(lines).hasSize(4);
        assertThat(lines.get(3)).endsWith("\u2026").doesNotEndWith(" ...");
    }

    @Test
    void aShortTextIsOneLineAndAnOverlongWordIsCutToFit() {
        assertThat(BalloonText.fit("VLM unloaded")).isEqualTo("VLM unloaded");
        assertThat(awtLines(BalloonText.fit("x".repeat(60)))).containsExactly(
                "x".repeat(48) + "  ", "x".repeat(12));
    }
}
