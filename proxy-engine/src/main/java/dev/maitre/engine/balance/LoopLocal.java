package dev.maitre.engine.balance;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A balancer's mutable state, one instance per event loop, so that picks on different loops never
 * write the same memory. Each instance is made with the ordinal of its loop (0, 1, 2... in the order
 * loops first pick), which lets loops start at different places of a sequence.
 */
final class LoopLocal<T> {

    private final AtomicInteger ordinals = new AtomicInteger();
    private final FastThreadLocal<T> local;

    LoopLocal(IntFunction<T> factory) {
        this.local = new FastThreadLocal<>() {
            @Override
            protected T initialValue() {
                return factory.apply(ordinals.getAndIncrement());
            }
        };
    }

    T get() {
        return local.get();
    }
}
