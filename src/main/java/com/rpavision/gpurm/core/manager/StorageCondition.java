package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.events.Subscription;
import com.rpavision.gpurm.core.model.Condition;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.core.storage.StorageHealth;

/**
 * Holds the condition storage_unwritable while a file the manager keeps could not be written, naming the file and
 * the cause, and ends it once that file is written again.
 */
final class StorageCondition implements AutoCloseable {

    private final StorageHealth storage;
    private final ConditionTracker conditions;
    private final Subscription subscription;

    StorageCondition(StorageHealth storage, ConditionTracker conditions) {
        this.storage = storage;
        this.conditions = conditions;
        this.subscription = storage.onChange(this::apply);
        apply(); // a write that failed before the manager was built (the config's defaults) counts too
    }

    /** Level-triggered: reads the failure in force now, whatever change was heard. */
    private synchronized void apply() {
        storage.failure().ifPresentOrElse(f -> conditions.set(Condition.STORAGE_UNWRITABLE, reason(f)),
                () -> conditions.clear(Condition.STORAGE_UNWRITABLE));
    }

    static Reason reason(StorageHealth.Failure f) {
        return Reason.of(Reason.Code.STORAGE_UNWRITABLE, "Cannot write " + f.file() + ": " + f.problem()
                + ". Until it can be written again, what happens (the journal, the chosen mode) is not kept;"
                + " free space on that disk or make it writable.", f.file().toString(), f.problem());
    }

    @Override
    public void close() {
        subscription.close();
    }
}
