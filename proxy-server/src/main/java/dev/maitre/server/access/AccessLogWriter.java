package dev.maitre.server.access;

import dev.maitre.engine.access.AccessLineFormat;
import dev.maitre.engine.access.AccessLog;
import dev.maitre.engine.access.AccessRecord;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the access log off the event loops. An event loop hands each request's record to a bounded
 * lock-free queue ({@link #log}) and goes on; one thread of the writer's own formats the records and
 * writes whole lines through a buffer, flushed when the queue is empty and at least every second. When
 * the queue is full the record is dropped and counted ({@link #dropped}): an event loop never waits
 * for the disk.
 */
public final class AccessLogWriter implements AccessLog, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLogWriter.class);

    /** Records waiting to be written: enough for a burst of a few hundred thousand requests a second. */
    static final int QUEUE_CAPACITY = 64 * 1024;
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final long FLUSH_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The format and output lines are written with; replaced whole by {@link #use}. */
    private record Settings(AccessLineFormat format, AccessLogOutput output) {
    }

    private final Queue<AccessRecord> queue;
    private final LongAdder dropped = new LongAdder();
    /** Settings handed over by reloads, applied in order by the writer's thread. */
    private final Queue<Settings> changes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean reopen = new AtomicBoolean();
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private final StringBuilder line = new StringBuilder(256);
    private final Thread thread;
    private volatile boolean sleeping;
    private volatile boolean stopping;
    private Settings settings;
    private long lastFlushNanos = System.nanoTime();
    private boolean failing;

    /** A writer of lines in {@code format} to {@code output} ({@code null}: none yet), not started. */
    AccessLogWriter(int capacity, AccessLineFormat format, AccessLogOutput output) {
        this.queue = PlatformDependent.newFixedMpscQueue(capacity);
        this.settings = new Settings(format, output);
        this.thread = new Thread(this::run, "maitre-access-log");
        thread.setDaemon(true);
    }

    /** Starts a writer of lines in {@code format} to {@code output} ({@code null}: none until {@link #use}). */
    public static AccessLogWriter start(AccessLineFormat format, AccessLogOutput output) {
        AccessLogWriter writer = new AccessLogWriter(QUEUE_CAPACITY, format, output);
        writer.thread.start();
        return writer;
    }

    void startThread() {
        thread.start();
    }

    /** Called on the event loops: never blocks. */
    @Override
    public void log(AccessRecord record) {
        if (!queue.offer(record)) {
            dropped.increment();
            return;
        }
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    /** Records dropped because the queue was full. */
    public long dropped() {
        return dropped.sum();
    }

    /**
     * From the next record on, lines are written in {@code format} to {@code output} (or nowhere,
     * when it is null); what was buffered goes to the previous output first, which is closed unless it
     * is the same.
     */
    void use(AccessLineFormat format, AccessLogOutput output) {
        changes.add(new Settings(format, output));
        LockSupport.unpark(thread);
    }

    /** Has the output's file opened again by its name, soon, on the writer's thread. */
    public void reopen() {
        reopen.set(true);
        LockSupport.unpark(thread);
    }

    /** Writes what is queued, closes the output and stops the thread. */
    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (true) {
            for (Settings changed = changes.poll(); changed != null; changed = changes.poll()) {
                flush();
                if (settings.output() != null && settings.output() != changed.output()) {
                    settings.output().close();
                }
                settings = changed;
            }
            if (reopen.getAndSet(false)) {
                reopenOutput();
            }
            AccessRecord record = queue.poll();
            if (record != null) {
                write(record);
                continue;
            }
            flush();
            if (stopping) {
                break;
            }
            sleeping = true;
            if (queue.isEmpty() && changes.isEmpty() && !reopen.get() && !stopping) {
                LockSupport.parkNanos(this, FLUSH_NANOS);
            }
            sleeping = false;
        }
        if (settings.output() != null) {
            settings.output().close();
        }
    }

    private void write(AccessRecord record) {
        if (settings.output() == null) {
            return;
        }
        line.setLength(0);
        settings.format().append(record, line);
        line.append('\n');
        byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > buffer.remaining()) {
            flush();
        }
        if (bytes.length > buffer.capacity()) {
            output(ByteBuffer.wrap(bytes));
        } else {
            buffer.put(bytes);
        }
        if (System.nanoTime() - lastFlushNanos >= FLUSH_NANOS) {
            flush();
        }
    }

    private void flush() {
        lastFlushNanos = System.nanoTime();
        if (buffer.position() == 0) {
            return;
        }
        buffer.flip();
        output(buffer);
        buffer.clear();
    }

    /** A failed write loses its lines; the next ones are tried again, and the log says when it works again. */
    private void output(ByteBuffer bytes) {
        AccessLogOutput output = settings.output();
        if (output == null) {
            return;
        }
        try {
            output.write(bytes);
            if (failing) {
                failing = false;
                LOG.info("access log {}: writing again", output.describe());
            }
        } catch (IOException e) {
            if (!failing) {
                failing = true;
                LOG.error("access log {}: cannot write, lines are lost until it works again: {}", output.describe(),
                        e.toString());
            }
        }
    }

    private void reopenOutput() {
        flush();
        AccessLogOutput output = settings.output();
        if (output == null) {
            return;
        }
        try {
            output.reopen();
            LOG.info("access log {} reopened", output.describe());
        } catch (IOException e) {
            LOG.error("access log {}: cannot reopen ({}); writing on to the file it had open", output.describe(),
                    AccessLogOutput.reason(e));
        }
    }
}
