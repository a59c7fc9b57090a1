package com.rpavision.gpurm.testing;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/** Prints each property's seed, pass or fail, so any run can be replayed with @Property(seed = ...). */
public final class SeedLogger implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        PropertyExecutionResult result = property.execute();
        System.err.printf("[jqwik] %s: %s after %d tries, seed %s%n", context.label(), result.status(),
                result.countTries(), result.seed().orElse("(none)"));
        return result;
    }
}
