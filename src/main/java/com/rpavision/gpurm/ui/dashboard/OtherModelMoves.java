package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.VramBreakdown.ModelUse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which other Ollama models came onto the GPU or left it between two looks at the VRAM breakdown, so that the log
 * tells what the VRAM card's legend shows: "llama3.1:8b loaded by another program" explains the VRAM a load of ours
 * did not take. A model this manager unloaded on request is left out: its own line says so.
 */
final class OtherModelMoves {

    record Move(String model, long vramMb, boolean arrived) {
    }

    private Map<String, Long> seen;
    private final Set<String> unloadedOnRequest = new HashSet<>();

    void unloadedOnRequest(String model) {
        unloadedOnRequest.add(model);
    }

    /** The moves since the previous look; none at the first, which only learns what is there. */
    List<Move> look(List<ModelUse> models) {
        Map<String, Long> now = new LinkedHashMap<>();
        models.forEach(m -> now.put(m.name(), m.vramMb()));
        List<Move> moves = new ArrayList<>();
        if (seen != null) {
            seen.forEach((name, mb) -> {
                if (!now.containsKey(name) && !unloadedOnRequest.remove(name)) {
                    moves.add(new Move(name, mb, false));
                }
            });
            now.forEach((name, mb) -> {
                if (!seen.containsKey(name)) {
                    moves.add(new Move(name, mb, true));
                }
            });
        }
        unloadedOnRequest.retainAll(now.keySet());
        seen = now;
        return moves;
    }
}
