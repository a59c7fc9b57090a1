package com.rpavision.gpurm.ui;

import javafx.geometry.Rectangle2D;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WindowBoundsTest {

    /** 1920x1080 at 150 %: 1280x720 logical, less a 32 px taskbar. */
    private final Rectangle2D visible = new Rectangle2D(0, 0, 1280, 688);

    @Test
    void aWindowTallerThanTheVisibleAreaIsCutToItAndMovedInside() {
        WindowBounds.Rect r = WindowBounds.clamp(new WindowBounds.Rect(200, 100, 1180, 780), visible);
        assertThat(r).isEqualTo(new WindowBounds.Rect(100, 0, 1180, 688));
    }

    @Test
    void aWindowThatFitsStaysWhereItWas() {
        WindowBounds.Rect r = WindowBounds.clamp(new WindowBounds.Rect(40, 30, 900, 600), visible);
        assertThat(r).isEqualTo(new WindowBounds.Rect(40, 30, 900, 600));
    }

    @Test
    void aWindowWithoutAPlaceOnlyGetsItsSizeFitted() {
        WindowBounds.Rect r = WindowBounds.clamp(new WindowBounds.Rect(Double.NaN, Double.NaN, 1600, 900), visible);
        assertThat(r.width()).isEqualTo(1280);
        assertThat(r.height()).isEqualTo(688);
        assertThat(r.x()).isNaN();
    }
}
