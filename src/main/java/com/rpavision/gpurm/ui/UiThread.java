package com.rpavision.gpurm.ui;

import java.util.concurrent.Executor;

/**
 * The one boundary where work crosses to the JavaFX thread. The app passes {@code Platform::runLater};
 * view-model tests pass {@code Runnable::run} and stay on their own thread.
 */
public record UiThread(Executor executor) implements Executor {
    @Override
    public void execute(Runnable command) {
        executor.execute(command);
    }
}
