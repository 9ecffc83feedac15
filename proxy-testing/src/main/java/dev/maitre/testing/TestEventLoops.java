package dev.maitre.testing;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * What the Netty-based test peers share: two daemon event-loop threads for the life of the test
 * JVM, so that a test opening many servers and clients does not start a thread pool for each, and
 * a buffer allocator outside the leak detector.
 */
final class TestEventLoops {

    static final EventLoopGroup GROUP =
            new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("maitre-test-peer", true), NioIoHandler.newFactory());

    /**
     * The peers' buffers are not what a test examines, and the paranoid leak detector records each
     * access to a tracked buffer: masking a 16 MiB WebSocket message word by word then takes seconds.
     * The code under test keeps its own, tracked allocator.
     */
    static final ByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(true, true);

    private TestEventLoops() {
    }
}
