package dev.maitre.api.config;

import dev.maitre.api.HostPort;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Binds {@code admin}: the address and the token. The token is required off loopback, since anyone
 * who can reach the admin API can drain every backend; it is read from {@code admin.tokenFile} each
 * time the configuration is (at start and on reload). Errors never repeat a token's text.
 */
final class AdminBinder {

    private static final List<String> KEYS = List.of("bind", "token", "tokenFile");
    private static final String TOKEN = "a token of visible ASCII characters, without spaces";
    private static final String TOKEN_FILE = "a readable file holding the token";

    private final Path baseDir;

    AdminBinder(Path baseDir) {
        this.baseDir = baseDir;
    }

    AdminConfig bind(ConfigNode node) {
        if (!node.isMapping(KEYS)) {
            return AdminConfig.defaults();
        }
        ConfigNode bindNode = node.get("bind");
        HostPort bind = bindNode.parsed(AdminConfig.DEFAULT_BIND, "host:port", HostPort::parse);
        ConfigNode tokenNode = node.get("token");
        ConfigNode fileNode = node.get("tokenFile");
        if (tokenNode.isPresent() && fileNode.isPresent()) {
            fileNode.error("admin.token is given too (expected: one of admin.token or admin.tokenFile)");
            return new AdminConfig(bind);
        }
        if (!tokenNode.isPresent() && !fileNode.isPresent()) {
            if (!bind.isLoopback()) {
                bindNode.error(bind + " is not a loopback address (expected: admin.token or admin.tokenFile)");
            }
            return new AdminConfig(bind);
        }
        String token = tokenNode.isPresent() ? token(tokenNode, tokenNode.text(TOKEN), "") : fromFile(fileNode);
        return new AdminConfig(bind, token);
    }

    private String fromFile(ConfigNode node) {
        Path file = TlsBinder.readableFile(node, baseDir, TOKEN_FILE);
        if (file == null) {
            return null;
        }
        try {
            return token(node, Files.readString(file).trim(), " in " + file);
        } catch (CharacterCodingException e) {
            node.error(file + " is not UTF-8 text (expected: " + TOKEN_FILE + ")");
        } catch (IOException e) {
            node.error(file + " cannot be read: " + e.getMessage() + " (expected: " + TOKEN_FILE + ")");
        }
        return null;
    }

    /** {@code text} if it can be sent in an {@code Authorization} header; errors say where, never what. */
    private static String token(ConfigNode node, String text, String where) {
        if (text == null) {
            return null;
        }
        if (text.isEmpty()) {
            node.error("the token" + where + " is empty (expected: " + TOKEN + ")");
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                node.error("the token" + where + " holds a space or a character that is not visible ASCII, at "
                        + (i + 1) + " (expected: " + TOKEN + ")");
                return null;
            }
        }
        return text;
    }
}
