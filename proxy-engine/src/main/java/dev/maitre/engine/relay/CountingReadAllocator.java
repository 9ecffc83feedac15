package dev.maitre.engine.relay;

import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;

/**
 * The receive-buffer allocator of one spliced connection: reads (and splices) up to a fixed size at a
 * time and remembers how many bytes its last read moved. Spliced bytes never reach the pipeline, and
 * Netty counts them only through this handle, so this is how the relay learns that a read moved
 * something, and how much.
 */
public final class CountingReadAllocator extends DefaultMaxMessagesRecvByteBufAllocator {

    private final int readBytes;
    private int lastReadBytes;

    /** @param readBytes the most one read takes from the socket: the buffer size, or the splice length */
    public CountingReadAllocator(int readBytes) {
        super(1);
        this.readBytes = readBytes;
    }

    /** The bytes the last completed read took from the socket, into buffers or into the pipe. */
    int lastReadBytes() {
        return lastReadBytes;
    }

    @Override
    public Handle newHandle() {
        return new MaxMessageHandle() {
            @Override
            public int guess() {
                return readBytes;
            }

            @Override
            public void readComplete() {
                lastReadBytes = totalBytesRead();
            }
        };
    }
}
