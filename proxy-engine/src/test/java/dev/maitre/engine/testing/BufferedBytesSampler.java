package dev.maitre.engine.testing;

import dev.maitre.engine.ProxyEngine;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches what a running engine holds: samples {@link ProxyEngine#bufferedBytes()} about every
 * millisecond on a thread of its own and keeps the largest value seen, together with the largest
 * growth of the memory Netty's default allocator has in use (for the record only: that also counts
 * buffers a read is filling and memory the allocator keeps cached for reuse).
 */
public final class BufferedBytesSampler implements AutoCloseable {

    private final ProxyEngine engine;
    private final Thread thread;
    private final long allocatorBefore;
    private volatile boolean running = true;
    private volatile long maxBuffered;
    private volatile long maxAllocatorGrowth;
    private volatile long samples;

    private BufferedBytesSampler(ProxyEngine engine) {
        this.engine = engine;
        this.allocatorBefore = allocatorUsed();
        this.thread = new Thread(this::run, "buffered-bytes-sampler");
        thread.setDaemon(true);
    }

    public static BufferedBytesSampler start(ProxyEngine engine) {
        BufferedBytesSampler sampler = new BufferedBytesSampler(engine);
        sampler.thread.start();
        return sampler;
    }

    private void run() {
        while (running) {
            long buffered = engine.bufferedBytes();
            if (buffered > maxBuffered) {
                maxBuffered = buffered;
            }
            maxAllocatorGrowth = Math.max(maxAllocatorGrowth, allocatorUsed() - allocatorBefore);
            samples++;
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** The largest {@code bufferedBytes()} seen. */
    public long maxBuffered() {
        return maxBuffered;
    }

    public long maxAllocatorGrowth() {
        return maxAllocatorGrowth;
    }

    public long samples() {
        return samples;
    }

    private static long allocatorUsed() {
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            ByteBufAllocatorMetric metric = provider.metric();
            return metric.usedDirectMemory() + metric.usedHeapMemory();
        }
        return 0;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
