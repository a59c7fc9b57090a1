package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.ResourceChangedEvent;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/** The most recent resource events, oldest first, for views that open after they happened. */
final class RecentEvents implements Consumer<ResourceChangedEvent> {

    private static final int KEPT = 500;

    private final Deque<ResourceChangedEvent> recent = new ArrayDeque<>();

    @Override
    public void accept(ResourceChangedEvent event) {
        synchronized (recent) {
            recent.addLast(event);
            if (recent.size() > KEPT) {
                recent.removeFirst();
            }
        }
    }

    List<ResourceChangedEvent> list() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }
}
