package dev.maitre.engine.tls;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a certificate is chosen by, read from a ClientHello: the host name the client asks for (SNI)
 * and whether it can verify an ECDSA certificate, which is what HAProxy decides on too. That needs an
 * ECDSA signature scheme in {@code signature_algorithms}, and then depends on the version the
 * handshake will settle on: on TLS 1.3 (offered in {@code supported_versions} with one of its suites)
 * any suite goes with ECDSA; on TLS 1.2 an ECDHE-ECDSA suite must be offered. Anything malformed reads
 * as "no name, RSA only": the TLS implementation that runs the handshake is what refuses bad input.
 *
 * @param hostName the SNI host name, lower-cased; {@code null} when the client sent none
 * @param ecdsaOnTls13 whether the client can verify ECDSA on a TLS 1.3 handshake (it offers 1.3)
 * @param ecdsaOnTls12 whether it can on a TLS 1.2 handshake
 */
record ClientHello(String hostName, boolean ecdsaOnTls13, boolean ecdsaOnTls12) {

    static final ClientHello NONE = new ClientHello(null, false, false);

    /** Whether the client can verify ECDSA on the handshake it will have with a server that does (or not) accept TLS 1.3. */
    boolean ecdsa(boolean serverAcceptsTls13) {
        return serverAcceptsTls13 && ecdsaOnTls13 || ecdsaOnTls12;
    }

    private static final int SERVER_NAME = 0;
    private static final int SIGNATURE_ALGORITHMS = 13;
    private static final int SUPPORTED_VERSIONS = 43;
    private static final int TLS13 = 0x0304;

    /**
     * Reads the body of a ClientHello handshake message (from its {@code client_version}) between the
     * buffer's reader and writer index, without moving them.
     */
    static ClientHello read(ByteBuf body) {
        if (body == null) {
            return NONE;
        }
        try {
            return parse(body);
        } catch (IndexOutOfBoundsException e) {
            return NONE;
        }
    }

    private static ClientHello parse(ByteBuf in) {
        int end = in.writerIndex();
        int at = in.readerIndex() + 2 + 32;
        at += 1 + in.getUnsignedByte(at);
        int suitesLength = in.getUnsignedShort(at);
        boolean ecdsaSuite = false;
        boolean tls13Suite = false;
        for (int i = at + 2; i < at + 2 + suitesLength; i += 2) {
            int suite = in.getUnsignedShort(i);
            ecdsaSuite |= isEcdheEcdsa(suite);
            tls13Suite |= suite >= 0x1301 && suite <= 0x1305;
        }
        at += 2 + suitesLength;
        at += 1 + in.getUnsignedByte(at);
        if (at + 2 > end) {
            return NONE;
        }
        int extensionsEnd = Math.min(end, at + 2 + in.getUnsignedShort(at));
        at += 2;
        String hostName = null;
        boolean ecdsaScheme = false;
        boolean tls13 = false;
        while (at + 4 <= extensionsEnd) {
            int type = in.getUnsignedShort(at);
            int length = in.getUnsignedShort(at + 2);
            int data = at + 4;
            if (data + length > extensionsEnd) {
                break;
            }
            switch (type) {
                case SERVER_NAME -> hostName = hostName(in, data, data + length);
                case SIGNATURE_ALGORITHMS -> {
                    int listEnd = Math.min(data + length, data + 2 + in.getUnsignedShort(data));
                    for (int i = data + 2; i + 2 <= listEnd; i += 2) {
                        ecdsaScheme |= isEcdsaScheme(in.getUnsignedShort(i));
                    }
                }
                case SUPPORTED_VERSIONS -> {
                    int listEnd = Math.min(data + length, data + 1 + in.getUnsignedByte(data));
                    for (int i = data + 1; i + 2 <= listEnd; i += 2) {
                        tls13 |= in.getUnsignedShort(i) == TLS13;
                    }
                }
                default -> {
                }
            }
            at = data + length;
        }
        return new ClientHello(hostName, ecdsaScheme && tls13 && tls13Suite, ecdsaScheme && ecdsaSuite);
    }

    /** The first {@code host_name} of a {@code server_name} extension. */
    private static String hostName(ByteBuf in, int from, int to) {
        int at = from + 2;
        while (at + 3 <= to) {
            int nameType = in.getUnsignedByte(at);
            int length = in.getUnsignedShort(at + 1);
            if (at + 3 + length > to) {
                return null;
            }
            if (nameType == 0) {
                if (length == 0) {
                    return null;
                }
                String name = in.toString(at + 3, length, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
                // RFC 6066 forbids the trailing dot of an absolute name; a client that sends one means the same host.
                return name.endsWith(".") && name.length() > 1 ? name.substring(0, name.length() - 1) : name;
            }
            at += 3 + length;
        }
        return null;
    }

    /** ecdsa_secp256r1_sha256, ecdsa_secp384r1_sha384, ecdsa_secp521r1_sha512 (and their TLS 1.2 forms). */
    private static boolean isEcdsaScheme(int scheme) {
        return scheme == 0x0403 || scheme == 0x0503 || scheme == 0x0603;
    }

    /** The ECDHE-ECDSA suites of TLS 1.2 (AES-GCM, ChaCha20, and the CBC ones a policy may allow). */
    private static boolean isEcdheEcdsa(int suite) {
        return suite == 0xc02b || suite == 0xc02c || suite == 0xcca9 || suite == 0xc009 || suite == 0xc00a
                || suite == 0xc023 || suite == 0xc024;
    }
}
