package dev.maitre.server.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks {@code Authorization: Bearer <token>} against {@code admin.token}. Both are hashed before
 * they are compared, and the hashes compared in constant time, so that the time an answer takes
 * tells nothing about how much of a guess was right, nor about the token's length.
 */
final class BearerToken {

    private static final String SCHEME = "Bearer ";

    private BearerToken() {
    }

    /** Whether {@code authorization}, the header's value ({@code null} when absent), bears {@code token}. */
    static boolean bears(String authorization, String token) {
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        String given = authorization.substring(SCHEME.length()).trim();
        return MessageDigest.isEqual(sha256(given), sha256(token));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
