package dev.maitre.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The read sizes an accepted connection gets, driven as a transport's read loop drives them. */
class AdaptiveReadSizesTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final RecvByteBufAllocator.ExtendedHandle handle = AdaptiveReadSizes.INSTANCE.newHandle();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    /** One read loop of one read that got {@code bytes} into a buffer of the current guess. */
    private void readOnce(int bytes) {
        handle.reset(channel.config());
        ByteBuf buffer = handle.allocate(UnpooledByteBufAllocator.DEFAULT);
        try {
            handle.attemptedBytesRead(buffer.writableBytes());
            handle.lastBytesRead(Math.min(bytes, buffer.writableBytes()));
            handle.incMessagesRead(1);
            handle.readComplete();
        } finally {
            buffer.release();
        }
    }

    @Test
    void startsAtTwoKibibytes() {
        assertThat(handle.guess()).isEqualTo(2048);
    }

    @Test
    void readsThatFillTheirBufferGrowItUpToSixtyFourKibibytes() {
        readOnce(Integer.MAX_VALUE);
        assertThat(handle.guess()).isEqualTo(8192);
        readOnce(Integer.MAX_VALUE);
        readOnce(Integer.MAX_VALUE);
        readOnce(Integer.MAX_VALUE);
        assertThat(handle.guess()).isEqualTo(65536);
    }

    @Test
    void smallReadsShrinkItOnlyTheSecondTimeInARowAndNotBelowSixtyFourBytes() {
        readOnce(100);
        assertThat(handle.guess()).isEqualTo(2048);
        readOnce(100);
        assertThat(handle.guess()).isEqualTo(1024);
        for (int i = 0; i < 40; i++) {
            readOnce(10);
        }
        assertThat(handle.guess()).isEqualTo(64);
    }

    @Test
    void aReadOfAboutTheGuessKeepsIt() {
        readOnce(1500);
        readOnce(1500);
        assertThat(handle.guess()).isEqualTo(2048);
    }

    @Test
    void withoutAutoReadOneReadAtATime() {
        channel.config().setAutoRead(false);
        handle.reset(channel.config());
        handle.attemptedBytesRead(2048);
        handle.lastBytesRead(2048);
        handle.incMessagesRead(1);
        assertThat(handle.continueReading()).isFalse();
    }

    @Test
    void withAutoReadGoesOnWhileReadsFillTheirBufferUpToSixteen() {
        handle.reset(channel.config());
        for (int i = 1; i <= 16; i++) {
            handle.attemptedBytesRead(handle.guess());
            handle.lastBytesRead(handle.guess());
            handle.incMessagesRead(1);
            assertThat(handle.continueReading()).as("after read %d", i).isEqualTo(i < 16);
        }
        handle.reset(channel.config());
        handle.attemptedBytesRead(2048);
        handle.lastBytesRead(10);
        handle.incMessagesRead(1);
        assertThat(handle.continueReading()).isFalse();
    }
}
