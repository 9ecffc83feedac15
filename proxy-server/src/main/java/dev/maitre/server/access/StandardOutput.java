package dev.maitre.server.access;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The process's standard output, written to directly rather than through {@code System.out}, whose
 * lock the logs share. Never closed.
 */
enum StandardOutput implements AccessLogOutput {
    INSTANCE;

    @SuppressWarnings("resource")
    private final FileChannel channel = new FileOutputStream(FileDescriptor.out).getChannel();

    @Override
    public void write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    @Override
    public void reopen() {
    }

    @Override
    public void close() {
    }

    @Override
    public String describe() {
        return "standard output";
    }
}
