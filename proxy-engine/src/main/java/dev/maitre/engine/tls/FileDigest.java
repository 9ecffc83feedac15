package dev.maitre.engine.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * The SHA-256 of a list of files' contents, which tells a reload whether a certificate, key or CA
 * file was replaced since it was last read, whatever its modification time says.
 */
public final class FileDigest {

    private final byte[] sha256;

    private FileDigest(byte[] sha256) {
        this.sha256 = sha256;
    }

    /** @throws IllegalArgumentException naming a file that cannot be read */
    public static FileDigest of(List<Path> files) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path file : files) {
            try {
                digest.update(file.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update(Files.readAllBytes(file));
            } catch (IOException e) {
                throw new IllegalArgumentException(file + ": cannot be read: " + e.getMessage(), e);
            }
        }
        return new FileDigest(digest.digest());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileDigest other && Arrays.equals(sha256, other.sha256);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sha256);
    }
}
