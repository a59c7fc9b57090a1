package com.rpavision.gpurm.core.concurrent;

import java.time.Duration;

/** Waits between polls and retries; tests inject one that does not really sleep. */
@FunctionalInterface
public interface Sleeper {

    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
