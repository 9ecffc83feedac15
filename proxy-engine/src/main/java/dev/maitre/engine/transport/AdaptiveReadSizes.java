package dev.maitre.engine.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * How large a buffer each socket read of an accepted connection gets: as Netty's
 * {@code AdaptiveRecvByteBufAllocator} does, from {@value #MIN_BYTES} to {@value #MAX_BYTES} bytes,
 * starting at {@value #INITIAL_BYTES}, growing fast after reads that filled their buffer and shrinking
 * slowly after small ones; at most {@value #MAX_MESSAGES_PER_READ} reads in a row when auto-read is on.
 * The difference is what each connection keeps: Netty's handle is three objects (112 bytes with
 * compressed references), this one is one of 32, on every idle connection too. Sizes are powers of
 * two.
 */
public final class AdaptiveReadSizes implements RecvByteBufAllocator {

    static final int MIN_BYTES = 64;
    static final int INITIAL_BYTES = 2048;
    static final int MAX_BYTES = 64 * 1024;
    static final int MAX_MESSAGES_PER_READ = 16;

    private static final int MIN_INDEX = Integer.numberOfTrailingZeros(MIN_BYTES);
    private static final int INITIAL_INDEX = Integer.numberOfTrailingZeros(INITIAL_BYTES);
    private static final int MAX_INDEX = Integer.numberOfTrailingZeros(MAX_BYTES);
    /** A read that filled its buffer multiplies the next one by four; a small one halves it, but only the second in a row. */
    private static final int GROW_STEPS = 2;

    public static final AdaptiveReadSizes INSTANCE = new AdaptiveReadSizes();

    private AdaptiveReadSizes() {
    }

    @Override
    public ExtendedHandle newHandle() {
        return new Handle();
    }

    /** One connection's sizing state; also its own "maybe more data" test, so that it is one object. */
    static final class Handle implements ExtendedHandle, UncheckedBooleanSupplier {

        /** log2 of the next buffer's size. */
        private byte index = (byte) INITIAL_INDEX;
        private boolean decreaseNow;
        private boolean autoRead;
        private int messages;
        private int totalBytes;
        private int lastBytes;
        private int attemptedBytes;

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return alloc.ioBuffer(guess());
        }

        @Override
        public int guess() {
            return 1 << index;
        }

        @Override
        public void reset(ChannelConfig config) {
            autoRead = config.isAutoRead();
            messages = 0;
            totalBytes = 0;
        }

        @Override
        public void incMessagesRead(int count) {
            messages += count;
        }

        @Override
        public void lastBytesRead(int bytes) {
            lastBytes = bytes;
            if (bytes > 0) {
                totalBytes += bytes;
                if (bytes == attemptedBytes) {
                    // The buffer was filled: grow now rather than after the read loop.
                    record(bytes);
                }
            }
        }

        @Override
        public int lastBytesRead() {
            return lastBytes;
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            attemptedBytes = bytes;
        }

        @Override
        public int attemptedBytesRead() {
            return attemptedBytes;
        }

        @Override
        public boolean continueReading() {
            return continueReading(this);
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreData) {
            return autoRead && maybeMoreData.get() && messages < MAX_MESSAGES_PER_READ && totalBytes > 0;
        }

        /** Whether the last read filled what it was offered, so more may be waiting. */
        @Override
        public boolean get() {
            return attemptedBytes == lastBytes;
        }

        @Override
        public void readComplete() {
            record(totalBytes);
        }

        private void record(int bytes) {
            if (bytes <= 1 << Math.max(MIN_INDEX, index - 1)) {
                if (decreaseNow) {
                    index = (byte) Math.max(MIN_INDEX, index - 1);
                    decreaseNow = false;
                } else {
                    decreaseNow = true;
                }
            } else if (bytes >= guess()) {
                index = (byte) Math.min(MAX_INDEX, index + GROW_STEPS);
                decreaseNow = false;
            }
        }
    }
}
