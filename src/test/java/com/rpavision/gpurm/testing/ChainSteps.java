package com.rpavision.gpurm.testing;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.Transformer;

import java.util.function.BiConsumer;
import java.util.function.Function;

/** A step of a jqwik action chain made from generated values: what it does to the world and how it reads. */
public final class ChainSteps {

    private ChainSteps() {
    }

    public static <W, T> Action.Independent<W> step(Arbitrary<T> values, Function<T, String> describe,
                                                    BiConsumer<W, T> apply) {
        Arbitrary<Transformer<W>> transformers =
                values.map(v -> Transformer.mutate(describe.apply(v), w -> apply.accept(w, v)));
        return () -> transformers;
    }
}
