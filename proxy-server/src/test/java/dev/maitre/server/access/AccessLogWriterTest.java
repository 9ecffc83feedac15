package dev.maitre.server.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.maitre.api.config.AccessLogConfig;
import dev.maitre.api.config.AccessLogFormat;
import dev.maitre.engine.access.AccessLineFormat;
import dev.maitre.engine.access.AccessRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class AccessLogWriterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static AccessRecord record(String target) {
        return new AccessRecord(System.currentTimeMillis(), "127.0.0.1", "GET", target, "HTTP/1.1", 200, 5, 1_000_000,
                "app", "127.0.0.1:8080", 500_000, 0, null, null, null, null);
    }

    private static AccessLineFormat maitre() {
        return AccessLineFormat.of(AccessLogFormat.MAITRE);
    }

    private static AccessLogOutput file(Path path) throws IOException {
        return AccessLogOutput.open(new AccessLogConfig(true, AccessLogFormat.MAITRE, path.toString()));
    }

    private static List<String> lines(Path path) throws IOException {
        return Files.exists(path) ? Files.readAllLines(path) : List.of();
    }

    @Test
    void whenTheWriterIsStalledAFullQueueDropsAndCountsRecordsInsteadOfWaiting() throws Exception {
        StalledOutput output = new StalledOutput();
        AccessLogWriter writer = new AccessLogWriter(4, maitre(), output);
        writer.startThread();
        try {
            writer.log(record("/first"));
            assertThat(output.writing.await(10, TimeUnit.SECONDS)).as("the writer is stuck in its first write").isTrue();

            long before = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                writer.log(record("/queued-" + i));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - before)).as("offering never waits for the writer")
                    .isLessThan(Duration.ofSeconds(5));

            assertThat(writer.dropped()).isEqualTo(6);
            output.release.countDown();
            await().atMost(WAIT).until(() -> output.lines().size() == 5);
            assertThat(output.lines()).first().asString().contains("/first");
            assertThat(output.lines().subList(1, 5)).allMatch(line -> line.contains("/queued-"));
            assertThat(writer.dropped()).isEqualTo(6);
        } finally {
            output.release.countDown();
            writer.close();
        }
    }

    @Test
    void linesReachTheFileSoonWithoutClosingTheWriter() throws Exception {
        Path log = dir.resolve("access.log");
        AccessLogWriter writer = AccessLogWriter.start(maitre(), file(log));
        try {
            writer.log(record("/soon"));

            await().atMost(WAIT).until(() -> lines(log).size() == 1);
            assertThat(lines(log).get(0)).isEqualTo("127.0.0.1 \"GET /soon HTTP/1.1\" 200 5 1ms app 127.0.0.1:8080");
        } finally {
            writer.close();
        }
    }

    @Test
    void closingWritesEveryQueuedLine() throws Exception {
        Path log = dir.resolve("access.log");
        AccessLogWriter writer = AccessLogWriter.start(maitre(), file(log));
        for (int i = 0; i < 5000; i++) {
            writer.log(record("/" + i));
        }

        writer.close();

        assertThat(lines(log)).hasSize(5000 - (int) writer.dropped()).last().asString().contains("/4999");
    }

    @Test
    void anExistingFileIsAppendedTo() throws Exception {
        Path log = Files.writeString(dir.resolve("access.log"), "yesterday\n");
        AccessLogWriter writer = AccessLogWriter.start(maitre(), file(log));
        writer.log(record("/today"));
        writer.close();

        assertThat(lines(log)).hasSize(2).first().isEqualTo("yesterday");
    }

    @Test
    void reopeningAfterTheFileWasMovedAwayWritesToANewFileByTheSameName() throws Exception {
        Path log = dir.resolve("access.log");
        Path rotated = dir.resolve("access.log.1");
        AccessLogWriter writer = AccessLogWriter.start(maitre(), file(log));
        try {
            writer.log(record("/before"));
            await().atMost(WAIT).until(() -> lines(log).size() == 1);
            Files.move(log, rotated);
            writer.log(record("/moved"));
            await().atMost(WAIT).until(() -> lines(rotated).size() == 2);

            writer.reopen();
            writer.log(record("/after"));

            await().atMost(WAIT).until(() -> lines(log).size() == 1);
            assertThat(lines(log).get(0)).contains("/after");
            assertThat(lines(rotated)).hasSize(2).allMatch(line -> !line.contains("/after"));
        } finally {
            writer.close();
        }
    }

    @Test
    void anotherFormatAndFileApplyToTheNextRecords() throws Exception {
        Path first = dir.resolve("first.log");
        Path second = dir.resolve("second.log");
        AccessLogWriter writer = AccessLogWriter.start(maitre(), file(first));
        try {
            writer.log(record("/one"));
            await().atMost(WAIT).until(() -> lines(first).size() == 1);

            writer.use(AccessLineFormat.of(AccessLogFormat.JSON), file(second));
            writer.log(record("/two"));

            await().atMost(WAIT).until(() -> lines(second).size() == 1);
            assertThat(lines(second).get(0)).startsWith("{\"time\":").contains("\"target\":\"/two\"");
            assertThat(lines(first)).hasSize(1);
        } finally {
            writer.close();
        }
    }

    /** An output whose first write waits until the test lets it go, as a disk that stopped answering. */
    private static final class StalledOutput implements AccessLogOutput {

        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final List<String> written = new CopyOnWriteArrayList<>();

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            writing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            written.add(new String(copy, StandardCharsets.UTF_8));
        }

        List<String> lines() {
            return String.join("", written).lines().toList();
        }

        @Override
        public void reopen() {
        }

        @Override
        public void close() {
        }

        @Override
        public String describe() {
            return "a stalled output";
        }
    }
}
