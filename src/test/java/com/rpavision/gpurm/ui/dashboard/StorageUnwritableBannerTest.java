package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.journal.Journal;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.storage.StorageHealth;
import com.rpavision.gpurm.testing.FaultyDisk;
import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.UiThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** A full data volume on the panel: the banner names the file and the cause, the log says so, both languages. */
class StorageUnwritableBannerTest {

    private final StorageHealth storage = new StorageHealth(Clock.systemUTC());
    private final ManagerFixture f = ManagerFixture.options().storage(storage).build();
    private final FaultyDisk disk = new FaultyDisk();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        f.close();
    }

    private DashboardViewModel viewModel(Locale locale) {
        DashboardViewModel model = new DashboardViewModel(f.manager, Runnable::run, new UiThread(Runnable::run),
                new Messages(locale), f.clock);
        f.manager.onResourceChanged(model::onEvent);
        return model;
    }

    @Test
    void theBannerSaysTheDataIsNotSavedUntilAWriteLandsAgain() {
        Journal journal = new Journal(dir, 1 << 20, 3, disk, storage);
        f.manager.onResourceChanged(journal::append);
        DashboardViewModel en = viewModel(Locale.ENGLISH);
        DashboardViewModel fr = viewModel(Locale.FRENCH);
        String file = dir.resolve("journal.jsonl").toAbsolutePath().toString();

        disk.fillLeaving(0);
        f.switchTo(ExecutionMode.AUTOPILOT);
        en.update(f.manager.getStatus());
        fr.update(f.manager.getStatus());

        assertThat(en.bannerProperty().get().text()).isEqualTo("Cannot write " + file + ": No space left on device."
                + " Until it can be written again, what happens (the journal, the chosen mode) is not kept;"
                + " free space on that disk or make it writable.");
        assertThat(fr.bannerProperty().get().text()).startsWith("Impossible d\u2019\u00e9crire " + file
                + "\u00a0: No space left on device.");
        assertThat(en.visibleLogAsText()).contains("Condition: Cannot write " + file + ": No space left on device.");
        assertThat(en.vlmNoticeProperty().get()).as("not the VLM's business").isEmpty();

        disk.heal();
        f.switchTo(ExecutionMode.IDLE);
        en.update(f.manager.getStatus());

        assertThat(en.bannerProperty().get()).isNull();
        assertThat(en.visibleLogAsText()).contains("Condition ended: Data not saved");
    }
}
