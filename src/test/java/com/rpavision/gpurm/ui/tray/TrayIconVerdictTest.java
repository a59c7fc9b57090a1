package com.rpavision.gpurm.ui.tray;

import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.ui.dashboard.Verdict;
import com.rpavision.gpurm.ui.tray.TrayIconPainter.Mark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tray icon carries the panel's verdict as well as its mode (issue 25, item 1), read from the drawn pixels:
 * the core's middle, a point on its ring, the ring's gap and the corner where an alarm's dot sits.
 */
class TrayIconVerdictTest {

    private static final int SIZE = 32; // 2 px a unit of the painter's 16-unit grid
    private static final int[] MIDDLE = {16, 16};
    private static final int[] RING_LEFT = {11, 16};
    private static final int[] RING_GAP = {19, 13}; // top right of the core, where the loading ring is open
    private static final int[] CORNER = {25, 25};

    @Test
    void eachVerdictHasItsMark() {
        Map<Verdict.Kind, Mark> marks = new EnumMap<>(Verdict.Kind.class);
        for (Verdict.Kind kind : Verdict.Kind.values()) {
            marks.put(kind, TrayIconPainter.mark(kind));
        }
        assertThat(marks).containsExactlyInAnyOrderEntriesOf(Map.of(
                Verdict.Kind.READY, Mark.FULL, Verdict.Kind.NONE, Mark.FULL,
                Verdict.Kind.LOADING, Mark.OPEN_RING, Verdict.Kind.SWITCHING, Mark.OPEN_RING,
                Verdict.Kind.NOT_LOADED, Mark.HOLLOW,
                Verdict.Kind.PUSHED_OUT, Mark.WARNING, Verdict.Kind.SLOW, Mark.WARNING,
                Verdict.Kind.ERROR, Mark.ALARM, Verdict.Kind.OLLAMA_DOWN, Mark.ALARM));
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void readyFillsTheCoreWithTheModeAndLeavesTheCornerCalm(ExecutionMode mode) {
        BufferedImage icon = TrayIconPainter.paint(mode, Verdict.Kind.READY, SIZE);
        assertThat(at(icon, MIDDLE)).isEqualTo(rgb(TrayIconPainter.modeColor(mode)));
        assertThat(at(icon, RING_GAP)).isEqualTo(rgb(TrayIconPainter.modeColor(mode)));
        assertThat(at(icon, CORNER)).isNotIn(rgb(TrayIconPainter.alarmColor(Mark.ALARM)),
                rgb(TrayIconPainter.alarmColor(Mark.WARNING)));
    }

    @Test
    void loadingIsAnOpenRingInTheModesColour() {
        BufferedImage icon = TrayIconPainter.paint(ExecutionMode.RECORDING, Verdict.Kind.LOADING, SIZE);
        int mode = rgb(TrayIconPainter.modeColor(ExecutionMode.RECORDING));
        assertThat(at(icon, RING_LEFT)).isEqualTo(mode);
        assertThat(at(icon, MIDDLE)).isNotEqualTo(mode);
        assertThat(at(icon, RING_GAP)).as("the ring's gap").isNotEqualTo(mode);
    }

    @Test
    void notLoadedIsAClosedRing() {
        BufferedImage icon = TrayIconPainter.paint(ExecutionMode.RECORDING, Verdict.Kind.NOT_LOADED, SIZE);
        int mode = rgb(TrayIconPainter.modeColor(ExecutionMode.RECORDING));
        assertThat(at(icon, RING_LEFT)).isEqualTo(mode);
        assertThat(at(icon, MIDDLE)).isNotEqualTo(mode);
        assertThat(at(icon, RING_GAP)).as("no gap").isNotEqualTo(at(TrayIconPainter.paint(ExecutionMode.RECORDING,
                Verdict.Kind.LOADING, SIZE), RING_GAP));
    }

    @ParameterizedTest
    @EnumSource(value = Verdict.Kind.class, names = {"PUSHED_OUT", "SLOW", "ERROR", "OLLAMA_DOWN"})
    void alarmsPutADotInTheCornerInThePanelsAlarmColour(Verdict.Kind kind) {
        BufferedImage icon = TrayIconPainter.paint(ExecutionMode.RECORDING, kind, SIZE);
        Mark mark = TrayIconPainter.mark(kind);
        assertThat(at(icon, CORNER)).isEqualTo(rgb(TrayIconPainter.alarmColor(mark)));
        assertThat(at(icon, MIDDLE)).as("the mode still shows").isEqualTo(rgb(TrayIconPainter.modeColor(ExecutionMode.RECORDING)));
    }

    @Test
    void theMarkReadsAtTheSmallestTraySize() {
        BufferedImage ready = TrayIconPainter.paint(ExecutionMode.RECORDING, Verdict.Kind.READY, 16);
        BufferedImage error = TrayIconPainter.paint(ExecutionMode.RECORDING, Verdict.Kind.ERROR, 16);
        assertThat(at(error, new int[]{12, 12})).isEqualTo(rgb(TrayIconPainter.alarmColor(Mark.ALARM)));
        assertThat(at(ready, new int[]{12, 12})).isNotEqualTo(rgb(TrayIconPainter.alarmColor(Mark.ALARM)));
    }

    private static int at(BufferedImage image, int[] xy) {
        return image.getRGB(xy[0], xy[1]) & 0xffffff;
    }

    private static int rgb(Color colour) {
        return colour.getRGB() & 0xffffff;
    }
}
