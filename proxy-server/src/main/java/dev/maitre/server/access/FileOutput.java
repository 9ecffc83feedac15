package dev.maitre.server.access;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file the access log appends to. Reopening it by its name lets logrotate move it away and have a
 * new one created: lines go on into the moved file until the reopen, then into the new one.
 */
final class FileOutput implements AccessLogOutput {

    private static final Logger LOG = LoggerFactory.getLogger(FileOutput.class);

    private final Path path;
    private FileChannel channel;

    private FileOutput(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    static FileOutput open(Path path) throws IOException {
        return new FileOutput(path, channel(path));
    }

    private static FileChannel channel(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** The new file is opened before the old one is closed: when it cannot be, lines go on into the old one. */
    @Override
    public void reopen() throws IOException {
        FileChannel reopened = channel(path);
        close();
        channel = reopened;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("access log {}: closing failed: {}", path, e.toString());
        }
    }

    @Override
    public String describe() {
        return path.toString();
    }
}
