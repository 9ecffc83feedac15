package dev.maitre.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector (at {@code paranoid} in tests) reported a buffer
 * that was never released. Registered for every test through the service loader.
 *
 * <p>Leaks are reported when a collected buffer's tracker is polled, which happens as new buffers
 * are allocated; so the check collects garbage and allocates a few buffers before it looks.
 */
public final class NoLeaksExtension implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(50);
            for (int i = 0; i < 64; i++) {
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                pooled.release();
                ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                unpooled.release();
            }
        }
        List<String> reports = LeakReports.drain();
        if (!reports.isEmpty()) {
            throw new AssertionError(reports.size() + " ByteBuf leak(s) reported by Netty during "
                    + context.getDisplayName() + ":\n" + String.join("\n\n", reports));
        }
    }
}
