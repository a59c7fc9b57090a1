package com.rpavision.gpurm.ui.tray;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CloseToTrayNoticeTest {

    @Test
    void isDueOnTheFirstCloseOnly() {
        CloseToTrayNotice notice = new CloseToTrayNotice();
        assertThat(notice.due()).isTrue();
        assertThat(notice.due()).isFalse();
        assertThat(notice.due()).isFalse();
    }
}
