package com.rpavision.gpurm.testing;

import com.rpavision.gpurm.core.model.Condition;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.simulator.Ask;

import java.time.Duration;

/**
 * Another Ollama client that keeps taking the VLM's place: with room for one model only, it asks for its own
 * model once, waits until the manager has named the eviction and reloaded the VLM, and asks again, until the
 * manager holds off and says the VLM is contended.
 */
public final class Contention {

    private Contention() {
    }

    public static void provoke(ManagerFixture f, String otherModel, long otherMb) {
        f.ollama.install(otherModel, otherMb);
        f.ollama.scheduler().maxLoadedModels(1).evictionGap(Duration.ofMillis(800));
        f.switchTo(ExecutionMode.RECORDING);
        for (int round = 1; round <= f.config.contentionEvictions() && !contended(f); round++) {
            long drifts = f.count(EventType.VLM_DRIFT);
            f.ollama.requestOutside(Ask.prompt(otherModel, Duration.ofMinutes(5)));
            f.watch(Duration.ofSeconds(30), () -> contended(f)
                    || f.count(EventType.VLM_DRIFT) > drifts && f.ollama.isServing(f.config.vlmModel()));
            f.watch(Duration.ofSeconds(8), () -> contended(f)); // the other client waits a while before it asks again
        }
        if (!contended(f)) {
            throw new AssertionError("the manager did not hold off after " + f.config.contentionEvictions() + " evictions");
        }
    }

    private static boolean contended(ManagerFixture f) {
        return f.manager.activeConditions().contains(Condition.VLM_CONTENDED);
    }
}
