package dev.maitre.engine.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it hands out, for fuzz tests that must know after each
 * input, not at the next garbage collection, that everything was released: slices and retained
 * duplicates share their parent's count, so a leaked piece of a message keeps its parent alive.
 */
public final class CountedBuffers extends AbstractByteBufAllocator {

    private final List<ByteBuf> allocated = new ArrayList<>();

    public CountedBuffers() {
        super(false);
    }

    /** A heap buffer holding {@code bytes}, counted like the rest. */
    public ByteBuf copyOf(byte[] bytes, int offset, int length) {
        return heapBuffer(length).writeBytes(bytes, offset, length);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return remember(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
    }

    /** Heap memory too: what is counted matters here, not where it lives. */
    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    private ByteBuf remember(ByteBuf buf) {
        allocated.add(buf);
        return buf;
    }

    /** Fails when a buffer handed out is still referenced, naming how many and what they hold. */
    public void assertAllReleased(String what) {
        List<ByteBuf> live = new ArrayList<>();
        for (ByteBuf buf : allocated) {
            if (buf.refCnt() != 0) {
                live.add(buf);
            }
        }
        if (!live.isEmpty()) {
            throw new AssertionError(live.size() + " buffer(s) not released after " + what + ": " + live);
        }
    }
}
