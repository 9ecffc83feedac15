package dev.maitre.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A blocking HTTP/2 client over a plain socket (clear text, prior knowledge) whose test controls every
 * byte sent: frames written one by one with Netty's frame writer, frames a writer refuses to produce
 * built by hand ({@link Http2HeaderBlock}, {@link #frame}), or raw bytes. A reader thread records every
 * frame the server sends; the waits time out with an {@link AssertionError} that lists what came.
 *
 * <p>Header lists are encoded without ever indexing a field, so blocks built by hand may add to the
 * server's dynamic table without this client's encoder losing step with it.
 */
public final class Http2FrameClient implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** One frame the server sent: {@code headers} for HEADERS, {@code data} for DATA (and GOAWAY's debug data). */
    public record Frame(byte type, int streamId, boolean endStream, boolean ack, long errorCode, int lastStreamId,
                        Http2Headers headers, byte[] data) {

        public boolean is(byte frameType) {
            return type == frameType;
        }

        @Override
        public String toString() {
            String name = switch (type) {
                case Http2FrameTypes.DATA -> "DATA(" + data.length + ")";
                case Http2FrameTypes.HEADERS -> "HEADERS" + headers;
                case Http2FrameTypes.RST_STREAM -> "RST_STREAM " + Http2Error.valueOf(errorCode);
                case Http2FrameTypes.SETTINGS -> ack ? "SETTINGS ACK" : "SETTINGS";
                case Http2FrameTypes.PING -> ack ? "PING ACK" : "PING";
                case Http2FrameTypes.GO_AWAY -> "GOAWAY " + Http2Error.valueOf(errorCode) + " last " + lastStreamId;
                case Http2FrameTypes.WINDOW_UPDATE -> "WINDOW_UPDATE";
                default -> "frame type " + type;
            };
            return name + " on " + streamId + (endStream ? " END_STREAM" : "");
        }
    }

    /** A stream's answer: its head, body and trailers (null when none came). */
    public record Response(Http2Headers headers, byte[] body, Http2Headers trailers) {

        public int status() {
            return Integer.parseInt(headers.status().toString());
        }
    }

    /** How a client connects; by default it reads from the start and acknowledges the server's settings. */
    public static final class Builder {
        private final InetSocketAddress address;
        private Http2Settings settings = new Http2Settings();
        private boolean reading = true;
        private boolean acknowledgeSettings = true;
        private int receiveBuffer;
        private int sendBuffer;
        private byte[] preamble = new byte[0];

        Builder(InetSocketAddress address) {
            this.address = address;
        }

        /** The client's SETTINGS, sent after the preface. */
        public Builder settings(Http2Settings value) {
            settings = value;
            return this;
        }

        /** Whether the client reads at all before {@link #startReading}; a client that does not read never acknowledges. */
        public Builder reading(boolean value) {
            reading = value;
            return this;
        }

        /** Whether the client sends SETTINGS ACK for the server's SETTINGS. */
        public Builder acknowledgeSettings(boolean value) {
            acknowledgeSettings = value;
            return this;
        }

        /** The socket's receive buffer (SO_RCVBUF), set before connecting: a small one makes a not-reading client felt sooner. */
        public Builder receiveBuffer(int bytes) {
            receiveBuffer = bytes;
            return this;
        }

        /** The socket's send buffer (SO_SNDBUF), set before connecting: a small one keeps what a flood has in flight small. */
        public Builder sendBuffer(int bytes) {
            sendBuffer = bytes;
            return this;
        }

        /** Bytes sent before the preface, such as a PROXY protocol header. */
        public Builder preamble(byte[] bytes) {
            preamble = bytes.clone();
            return this;
        }

        /** Connects, sends the preface and the client's SETTINGS; a reading client waits for the server's SETTINGS. */
        public Http2FrameClient connect() throws IOException {
            Http2FrameClient client = new Http2FrameClient(this);
            if (reading) {
                client.awaitFrame(f -> f.is(Http2FrameTypes.SETTINGS) && !f.ack(), WAIT, "the server's SETTINGS");
            }
            return client;
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final boolean acknowledgeSettings;
    private final EmbeddedChannel writeChannel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext writeContext = writeChannel.pipeline().firstContext();
    private final DefaultHttp2FrameWriter writer =
            new DefaultHttp2FrameWriter(Http2HeadersEncoder.ALWAYS_SENSITIVE, true);
    /** Guards the socket's output and the frame writer; the frames received are guarded by the client itself. */
    private final Object writeLock = new Object();
    private final List<Frame> frames = new ArrayList<>();
    private Thread readerThread;
    private boolean ended;
    private Throwable readFailure;

    private Http2FrameClient(Builder builder) throws IOException {
        socket = new Socket();
        if (builder.receiveBuffer > 0) {
            socket.setReceiveBufferSize(builder.receiveBuffer);
        }
        if (builder.sendBuffer > 0) {
            socket.setSendBufferSize(builder.sendBuffer);
        }
        socket.connect(builder.address, 5000);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        acknowledgeSettings = builder.acknowledgeSettings;
        if (builder.preamble.length > 0) {
            writeBytes(builder.preamble);
        }
        writeBytes(Http2CodecUtil.connectionPrefaceBuf());
        settings(builder.settings);
        if (builder.reading) {
            startReading();
        }
    }

    public static Builder builder(InetSocketAddress address) {
        return new Builder(address);
    }

    /** A client that reads from the start, with empty SETTINGS, once the server's SETTINGS came. */
    public static Http2FrameClient connect(InetSocketAddress address) throws IOException {
        return builder(address).connect();
    }

    // Writing

    public void headers(int streamId, Http2Headers headers, boolean endStream) throws IOException {
        write(ctx -> writer.writeHeaders(ctx, streamId, headers, 0, endStream, ctx.newPromise()));
    }

    public void data(int streamId, byte[] data, boolean endStream) throws IOException {
        write(ctx -> writer.writeData(ctx, streamId, Unpooled.wrappedBuffer(data), 0, endStream, ctx.newPromise()));
    }

    public void rst(int streamId, Http2Error error) throws IOException {
        write(ctx -> writer.writeRstStream(ctx, streamId, error.code(), ctx.newPromise()));
    }

    public void settings(Http2Settings settings) throws IOException {
        write(ctx -> writer.writeSettings(ctx, settings, ctx.newPromise()));
    }

    public void ping(long data) throws IOException {
        write(ctx -> writer.writePing(ctx, false, data, ctx.newPromise()));
    }

    public void windowUpdate(int streamId, int increment) throws IOException {
        write(ctx -> writer.writeWindowUpdate(ctx, streamId, increment, ctx.newPromise()));
    }

    /** Writes a frame built by hand: any type, any flags, any payload. */
    public void frame(byte type, int flags, int streamId, byte[] payload) throws IOException {
        writeBytes(frameBytes(type, flags, streamId, payload));
    }

    /** HEADERS carrying {@code block} as it is; {@code endHeaders} false leaves the block open for CONTINUATION. */
    public void headerBlock(int streamId, byte[] block, boolean endStream, boolean endHeaders) throws IOException {
        frame(Http2FrameTypes.HEADERS, (endStream ? 0x1 : 0) | (endHeaders ? 0x4 : 0), streamId, block);
    }

    /** The bytes of one frame: the 9-byte header, then {@code payload}. */
    public static byte[] frameBytes(byte type, int flags, int streamId, byte[] payload) {
        byte[] frame = new byte[9 + payload.length];
        frame[0] = (byte) (payload.length >>> 16);
        frame[1] = (byte) (payload.length >>> 8);
        frame[2] = (byte) payload.length;
        frame[3] = type;
        frame[4] = (byte) flags;
        frame[5] = (byte) (streamId >>> 24 & 0x7f);
        frame[6] = (byte) (streamId >>> 16);
        frame[7] = (byte) (streamId >>> 8);
        frame[8] = (byte) streamId;
        System.arraycopy(payload, 0, frame, 9, payload.length);
        return frame;
    }

    /**
     * Writes {@code frame} (whole frames' bytes) {@code times} times, in large writes, and returns how
     * many were written before the server ended the connection ({@code times} when it did not).
     */
    public int flood(byte[] frame, int times) {
        int perWrite = Math.max(1, 16384 / frame.length);
        byte[] chunk = new byte[perWrite * frame.length];
        for (int i = 0; i < perWrite; i++) {
            System.arraycopy(frame, 0, chunk, i * frame.length, frame.length);
        }
        int written = 0;
        synchronized (writeLock) {
            try {
                while (written < times) {
                    int n = Math.min(perWrite, times - written);
                    out.write(chunk, 0, n * frame.length);
                    written += n;
                }
            } catch (IOException closed) {
                // the server ended the connection
            }
        }
        return written;
    }

    /**
     * {@link #flood(byte[], int)} on a thread of its own, waited for up to {@code limit}: a server that
     * neither takes the frames nor ends the connection fails the wait, and the connection is closed.
     */
    public int flood(byte[] frame, int times, Duration limit) throws IOException {
        FutureTask<Integer> flood = new FutureTask<>(() -> flood(frame, times));
        Thread writing = new Thread(flood, "http2-frame-client-flood");
        writing.setDaemon(true);
        writing.start();
        try {
            return flood.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close();
            throw new AssertionError("still writing after " + limit + ": the server neither took the frames nor"
                    + " ended the connection");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError("flood failed", e.getCause());
        }
    }

    /** How many received frames match. */
    public synchronized int count(Predicate<Frame> match) {
        return (int) frames.stream().filter(match).count();
    }

    /** Raw bytes, as they are. */
    public void writeBytes(byte[] bytes) throws IOException {
        synchronized (writeLock) {
            out.write(bytes);
            out.flush();
        }
    }

    private void writeBytes(ByteBuf bytes) throws IOException {
        try {
            byte[] copy = new byte[bytes.readableBytes()];
            bytes.readBytes(copy);
            writeBytes(copy);
        } finally {
            bytes.release();
        }
    }

    /** Writes what {@code frame} has the frame writer write. */
    private void write(Function<ChannelHandlerContext, ChannelFuture> frame) throws IOException {
        byte[] bytes;
        synchronized (writeLock) {
            bytes = encode(frame);
        }
        writeBytes(bytes);
    }

    private byte[] encode(Function<ChannelHandlerContext, ChannelFuture> frameWriting) {
        ChannelFuture written = frameWriting.apply(writeContext);
        writeChannel.flushOutbound();
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        for (ByteBuf part; (part = writeChannel.readOutbound()) != null; ) {
            try {
                byte[] bytes = new byte[part.readableBytes()];
                part.readBytes(bytes);
                frame.writeBytes(bytes);
            } finally {
                part.release();
            }
        }
        if (written.cause() != null) {
            throw new IllegalStateException("the frame writer refused the frame", written.cause());
        }
        return frame.toByteArray();
    }

    // Reading

    /** Starts the reader thread, for a client built not {@linkplain Builder#reading reading}. */
    public synchronized void startReading() {
        if (readerThread == null) {
            readerThread = new Thread(this::readLoop, "http2-frame-client-reader");
            readerThread.setDaemon(true);
            readerThread.start();
        }
    }

    /** Every frame received so far. */
    public synchronized List<Frame> frames() {
        return List.copyOf(frames);
    }

    public Frame awaitGoAway(Duration timeout) {
        return awaitFrame(f -> f.is(Http2FrameTypes.GO_AWAY), timeout, "GOAWAY");
    }

    public Frame awaitRst(int streamId) {
        return awaitRst(streamId, WAIT);
    }

    public Frame awaitRst(int streamId, Duration timeout) {
        return awaitFrame(f -> f.is(Http2FrameTypes.RST_STREAM) && f.streamId() == streamId, timeout,
                "RST_STREAM on stream " + streamId);
    }

    public Frame awaitPingAck(long data, Duration timeout) {
        return awaitFrame(f -> f.is(Http2FrameTypes.PING) && f.ack() && f.errorCode() == data, timeout,
                "PING ACK " + data);
    }

    public Response awaitResponse(int streamId) {
        return awaitResponse(streamId, WAIT);
    }

    /** The answer on {@code streamId} once its END_STREAM came; fails if the stream is reset first. */
    public Response awaitResponse(int streamId, Duration timeout) {
        Frame end = awaitFrame(f -> f.streamId() == streamId && (f.endStream() || f.is(Http2FrameTypes.RST_STREAM)),
                timeout, "the end of the answer on stream " + streamId);
        if (end.is(Http2FrameTypes.RST_STREAM)) {
            throw new AssertionError("stream " + streamId + " was reset instead of answered: " + frames());
        }
        Http2Headers head = null;
        Http2Headers trailers = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Frame frame : frames()) {
            if (frame.streamId() != streamId) {
                continue;
            }
            if (frame.is(Http2FrameTypes.HEADERS)) {
                CharSequence status = frame.headers().status();
                if (head == null && status != null && status.charAt(0) != '1') {
                    head = frame.headers();
                } else if (head != null) {
                    trailers = frame.headers();
                }
            } else if (frame.is(Http2FrameTypes.DATA)) {
                body.writeBytes(frame.data());
            }
        }
        return new Response(head, body.toByteArray(), trailers);
    }

    /** Whether the server ended the connection (end of stream or a reset) within {@code timeout}. */
    public boolean closedByPeer(Duration timeout) {
        startReading();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                waitNanos(left);
            }
            return true;
        }
    }

    /** What made the reader stop other than the connection's end: a frame it could not read. */
    public synchronized Throwable readFailure() {
        return readFailure;
    }

    /** The first frame that matches, waiting up to {@code timeout} for it. */
    public Frame awaitFrame(Predicate<Frame> match, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            int seen = 0;
            while (true) {
                for (; seen < frames.size(); seen++) {
                    if (match.test(frames.get(seen))) {
                        return frames.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || ended) {
                    throw new AssertionError("no " + what + " within " + timeout
                            + (ended ? " (connection ended)" : "") + "; received: " + frames);
                }
                waitNanos(left);
            }
        }
    }

    private void waitNanos(long nanos) {
        try {
            wait(Math.max(1, nanos / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private synchronized void record(Frame frame) {
        frames.add(frame);
        notifyAll();
    }

    private void readLoop() {
        EmbeddedChannel readChannel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = readChannel.pipeline().firstContext();
        DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(new DefaultHttp2HeadersDecoder(false, 1 << 20));
        ByteBuf cumulation = Unpooled.buffer();
        Recorder recorder = new Recorder();
        byte[] chunk = new byte[16384];
        try {
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(chunk)) != -1; ) {
                cumulation.writeBytes(chunk, 0, n);
                reader.readFrame(ctx, cumulation, recorder);
                cumulation.discardReadBytes();
            }
        } catch (IOException endedOrReset) {
            // the connection ended with a reset, or the test closed it
        } catch (Http2Exception | RuntimeException e) {
            synchronized (this) {
                readFailure = e;
            }
        } finally {
            cumulation.release();
            reader.close();
            readChannel.finishAndReleaseAll();
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** Records what the reader reads, and acknowledges the server's SETTINGS. */
    private final class Recorder extends Http2FrameAdapter {

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
            byte[] bytes = new byte[data.readableBytes()];
            data.getBytes(data.readerIndex(), bytes);
            record(new Frame(Http2FrameTypes.DATA, streamId, endOfStream, false, 0, 0, null, bytes));
            return bytes.length + padding;
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                  boolean endOfStream) {
            record(new Frame(Http2FrameTypes.HEADERS, streamId, endOfStream, false, 0, 0, headers, null));
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                                  short weight, boolean exclusive, int padding, boolean endOfStream) {
            onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            record(new Frame(Http2FrameTypes.RST_STREAM, streamId, false, false, errorCode, 0, null, null));
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
            if (acknowledgeSettings) {
                try {
                    write(writeCtx -> writer.writeSettingsAck(writeCtx, writeCtx.newPromise()));
                } catch (IOException closed) {
                    // the reader sees the end next
                }
            }
            // Recorded once acknowledged, so that a test waiting for it writes after the acknowledgement.
            record(new Frame(Http2FrameTypes.SETTINGS, 0, false, false, 0, 0, null, null));
        }

        @Override
        public void onSettingsAckRead(ChannelHandlerContext ctx) {
            record(new Frame(Http2FrameTypes.SETTINGS, 0, false, true, 0, 0, null, null));
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext ctx, long data) {
            // The ping's data is kept as the error code: one long, compared by awaitPingAck.
            record(new Frame(Http2FrameTypes.PING, 0, false, true, data, 0, null, null));
        }

        @Override
        public void onPingRead(ChannelHandlerContext ctx, long data) {
            record(new Frame(Http2FrameTypes.PING, 0, false, false, data, 0, null, null));
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
            byte[] bytes = new byte[debugData.readableBytes()];
            debugData.getBytes(debugData.readerIndex(), bytes);
            record(new Frame(Http2FrameTypes.GO_AWAY, 0, false, false, errorCode, lastStreamId, null, bytes));
        }

        @Override
        public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {
            record(new Frame(Http2FrameTypes.WINDOW_UPDATE, streamId, false, false, windowSizeIncrement, 0, null,
                    null));
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        Thread reader;
        synchronized (this) {
            reader = readerThread;
        }
        if (reader != null) {
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (writeLock) {
            writeChannel.finishAndReleaseAll();
        }
    }
}
