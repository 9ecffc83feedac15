package dev.maitre.engine.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/**
 * One direction of a spliced pair: bytes go from the source socket into a kernel pipe and from the
 * pipe to the target socket ({@code splice(2)} through Netty's epoll transport), never through the
 * proxy's memory.
 *
 * <p>Netty splices inside the source's read: a read moves what the source socket holds into the
 * pipe, up to the pipe's capacity (64 KiB), and queues the pipe's bytes on the target. Those bytes
 * pass neither pipeline and do not count toward the target's writability, so flow control is done
 * here: the source is read again only once everything spliced so far has gone into the target's
 * socket, which an empty write queued behind it tells. At most one pipe's worth is in flight per
 * direction, in the kernel; the proxy's heap and direct memory hold none of it.
 *
 * <p>End of input: Netty shuts the source's input down as soon as the peer's FIN shows, even when
 * bytes that did not fit in the pipe are still in the socket, and a source whose input is shut down
 * is not read through the event loop any more. So once the pipe has drained, the
 * tail is read from the socket directly, a buffer at a time, each written to the target before the
 * next is read, until the end of the stream; only then is the direction over and the target's output
 * shut down.
 *
 * <p>Errors reach the relay through the splice's future: a failed read of the source, or a failed
 * write to the target (which Netty closes).
 */
@SuppressWarnings("deprecation") // spliceTo: deprecated in Netty 4.2 with no replacement; see docs/architecture.md
public final class SpliceFlow {

    /** Splice length per read: the default capacity of a Linux pipe, which splice cannot exceed anyway. */
    public static final int SPLICE_BYTES = 64 * 1024;

    private static final AttributeKey<SpliceFlow> INTO = AttributeKey.valueOf(SpliceFlow.class, "into");

    private final PairRelay relay;
    private final AbstractEpollStreamChannel source;
    private final AbstractEpollStreamChannel target;
    private final CountingReadAllocator reads;

    /** The empty write queued behind the latest spliced bytes; {@code null} when none is in flight. */
    private ChannelFuture lastDrain;
    private long inFlightBytes;
    private boolean inputEnded;
    private boolean inRead;
    private boolean done;

    SpliceFlow(PairRelay relay, AbstractEpollStreamChannel source, AbstractEpollStreamChannel target) {
        this.relay = relay;
        this.source = source;
        this.target = target;
        this.reads = (CountingReadAllocator) source.config().getRecvByteBufAllocator();
    }

    /** What {@code target} holds in flight from its peer's splice, in the pipe or queued: 0 if none. */
    public static long inFlightBytes(io.netty.channel.Channel target) {
        if (!target.hasAttr(INTO)) {
            return 0;
        }
        SpliceFlow flow = target.attr(INTO).get();
        return flow == null ? 0 : flow.inFlightBytes;
    }

    void start() {
        target.attr(INTO).set(this);
        source.spliceTo(target, Integer.MAX_VALUE).addListener(future -> {
            if (!future.isSuccess()) {
                failed(future.cause());
            }
        });
        source.read();
    }

    /** The source's input ended before the pairing and all of it was read the ordinary way: nothing to splice. */
    void endBeforeStart() {
        done = true;
    }

    /** The source's input has ended; what it still holds is spliced before the direction ends. */
    void inputEnded() {
        inputEnded = true;
    }

    /** The source finished a read: queue a drain marker behind what it moved, or end the direction. */
    void readComplete() {
        if (done) {
            return;
        }
        int moved = reads.lastReadBytes();
        inRead = true;
        try {
            if (moved > 0) {
                inFlightBytes += moved;
                relay.moved();
                ChannelFuture drain = target.writeAndFlush(Unpooled.EMPTY_BUFFER);
                lastDrain = drain;
                drain.addListener(this::drained);
            } else if (lastDrain == null) {
                if (inputEnded) {
                    readTail();
                } else {
                    // Woken with nothing to move: the end of input is on its way (Netty reports it next).
                    readMore();
                }
            }
        } finally {
            inRead = false;
        }
    }

    /**
     * Reads the source again. Within the source's read Netty would drop the request (it clears the
     * read interest when a read with a splice pending ends), so it is asked for after that read. A
     * request that comes due after the end of input is dropped: the tail is read directly, and asking
     * Netty 4.2.18 to read a connection it took out of epoll fails the connection
     * ({@code epoll_ctl(MOD): ENOENT}), which would reset its peer.
     */
    private void readMore() {
        if (inRead) {
            source.eventLoop().execute(this::readMore);
        } else if (!done && !inputEnded && source.isActive()) {
            source.read();
        }
    }

    private void drained(io.netty.util.concurrent.Future<? super Void> future) {
        if (future != lastDrain) {
            return; // more was spliced since: the later marker reports
        }
        lastDrain = null;
        inFlightBytes = 0;
        if (done || !future.isSuccess()) {
            return; // a failed write closed the target; its close or error ends the pair
        }
        relay.moved();
        if (inputEnded) {
            readTail();
        } else {
            readMore();
        }
    }

    /**
     * Reads what the source's socket still holds after its end of input, one buffer at a time, each
     * written to the target before the next is read; at the end of the stream the direction is over.
     */
    private void readTail() {
        if (done) {
            return;
        }
        ByteBuf buffer = source.alloc().directBuffer(SPLICE_BYTES);
        int read;
        try {
            ByteBuffer nio = buffer.internalNioBuffer(0, buffer.writableBytes());
            read = source.fd().read(nio, nio.position(), nio.limit());
        } catch (IOException e) {
            buffer.release();
            done = true;
            relay.failed(source, e);
            return;
        }
        if (read <= 0) {
            // -1 is the end of the stream; 0 (nothing yet) cannot follow a shut-down input, and would end it anyway.
            buffer.release();
            done = true;
            relay.flowEnded(source);
            return;
        }
        buffer.writerIndex(read);
        relay.moved();
        inFlightBytes += read;
        ChannelFuture written = target.writeAndFlush(buffer);
        lastDrain = written;
        written.addListener(this::drained);
    }

    private void failed(Throwable cause) {
        done = true;
        if (cause instanceof ClosedChannelException) {
            return; // one of the two was closed: the relay already knows why
        }
        // Netty closes a channel whose write failed; a failed read leaves the source open.
        relay.failed(target.isOpen() ? source : target, cause);
    }
}
