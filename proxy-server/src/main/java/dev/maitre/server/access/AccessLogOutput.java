package dev.maitre.server.access;

import dev.maitre.api.config.AccessLogConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Where the access log's lines go; used by the writer's thread alone. */
interface AccessLogOutput {

    /** Writes all of {@code bytes}, whole lines. */
    void write(ByteBuffer bytes) throws IOException;

    /** Opens the file again by its name, for one that was moved away (log rotation); nothing for standard output. */
    void reopen() throws IOException;

    void close();

    /** What the log says it writes to. */
    String describe();

    /**
     * The output of {@code config}: standard output, or its file opened for appending (created if
     * missing).
     *
     * @throws IOException when the file cannot be opened
     */
    static AccessLogOutput open(AccessLogConfig config) throws IOException {
        return config.toStdout() ? StandardOutput.INSTANCE : FileOutput.open(Path.of(config.path()));
    }

    /** Why {@code e} kept a file from being opened, in a few words. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "its directory does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
