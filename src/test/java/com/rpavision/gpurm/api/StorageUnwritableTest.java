package com.rpavision.gpurm.api;

import com.rpavision.gpurm.core.journal.Journal;
import com.rpavision.gpurm.core.journal.JournalEntry;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.core.storage.StorageHealth;
import com.rpavision.gpurm.testing.FaultyDisk;
import com.rpavision.gpurm.testing.ManagerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full data volume as the operator and the fleet see it: the condition storage_unwritable in the status (its
 * JSON too) and on /metrics while the journal cannot be written, gone once a line lands again, and the journal
 * still readable with every entry that was written.
 */
class StorageUnwritableTest {

    private static final String GAUGE = "gpurm_condition{condition=\"storage_unwritable\"}";

    @TempDir
    Path dir;

    @Test
    void aFullDiskRaisesTheConditionAndAGoodWriteClearsIt() throws Exception {
        FaultyDisk disk = new FaultyDisk();
        StorageHealth storage = new StorageHealth(java.time.Clock.systemUTC());
        try (ManagerFixture f = ManagerFixture.options().storage(storage).build()) {
            Journal journal = new Journal(dir, 1 << 20, 3, disk, storage);
            f.manager.onResourceChanged(journal::append);
            try (ManagerMetrics metrics = new ManagerMetrics(f.manager, () -> 0, () -> 0)) {
                f.switchTo(ExecutionMode.AUTOPILOT);
                assertThat(MetricsTest.parse(metrics.scrape())).containsEntry(GAUGE, 0.0);

                disk.fillLeaving(40);
                f.switchTo(ExecutionMode.IDLE);

                Reason reason = f.manager.getStatus().conditions().stream()
                        .filter(r -> r.code() == Reason.Code.STORAGE_UNWRITABLE).findFirst().orElseThrow();
                String file = dir.resolve("journal.jsonl").toAbsolutePath().toString();
                assertThat(reason.args()).containsExactly(file, "No space left on device");
                assertThat(reason.text()).contains(file, "No space left on device");
                assertThat(conditionNames(f)).contains("storage_unwritable");
                assertThat(MetricsTest.parse(metrics.scrape())).containsEntry(GAUGE, 1.0);
                assertThat(f.events).filteredOn(e -> e.type() == EventType.CONDITION_CHANGED)
                        .extracting(e -> e.details().get("condition"), e -> e.details().get("active"))
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("storage_unwritable", true));

                disk.heal();
                f.switchTo(ExecutionMode.AUTOPILOT);

                assertThat(f.manager.getStatus().conditions()).extracting(Reason::code)
                        .doesNotContain(Reason.Code.STORAGE_UNWRITABLE);
                assertThat(MetricsTest.parse(metrics.scrape())).containsEntry(GAUGE, 0.0);
            }
            List<JournalEntry> entries = journal.read(Instant.EPOCH);
            assertThat(entries).filteredOn(e -> e.type() == EventType.MODE_CHANGED)
                    .extracting(e -> e.textDetail("to")).as("the switch to IDLE was lost with the full disk, no other")
                    .containsExactly("autopilot", "autopilot");
            assertThat(entries).filteredOn(e -> e.type() == EventType.CONDITION_CHANGED)
                    .extracting(e -> e.details().get("active")).as("the end of the condition is in the journal")
                    .containsExactly(false);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> conditionNames(ManagerFixture f) {
        List<Map<String, Object>> conditions = (List<Map<String, Object>>) StatusJson.of(f.manager.getStatus()).get("conditions");
        return conditions.stream().map(c -> String.valueOf(c.get("condition"))).toList();
    }
}
