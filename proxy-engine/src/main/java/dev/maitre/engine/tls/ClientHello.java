package dev.maitre.engine.tls;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a certificate is chosen by, read from a ClientHello: the host name the client asks for (SNI)
 * and whether it can verify an ECDSA certificate, which is what HAProxy decides on too. That depends
 * on the version the handshake will settle on. On TLS 1.3 (offered in {@code supported_versions} with
 * one of its suites, to a server that accepts it) any suite goes with ECDSA, and each signature scheme
 * names its curve: {@code ecdsa_secp256r1_sha256} for P-256, and so on. On TLS 1.2 an ECDHE-ECDSA
 * suite and an ECDSA scheme (of any curve: there the scheme names only the hash) must be offered.
 * Anything malformed reads as "no name, RSA only": the TLS implementation that runs the handshake is
 * what refuses bad input.
 *
 * @param hostName the SNI host name, lower-cased; {@code null} when the client sent none
 * @param tls13 whether the client offers TLS 1.3 with one of its suites
 * @param ecdsaCurves13 the curves of the ECDSA schemes it offers, as {@link #P256}, {@link #P384} and
 *     {@link #P521} bits: the ECDSA certificates it verifies on TLS 1.3
 * @param ecdsaOnTls12 whether it can verify ECDSA on a TLS 1.2 handshake
 */
record ClientHello(String hostName, boolean tls13, int ecdsaCurves13, boolean ecdsaOnTls12) {

    static final int P256 = 1;
    static final int P384 = 2;
    static final int P521 = 4;

    static final ClientHello NONE = new ClientHello(null, false, 0, false);

    /**
     * Whether the client can verify an ECDSA certificate on {@code curve} on the handshake it will have
     * with a server that does (or does not) accept TLS 1.3.
     */
    boolean verifiesEcdsa(boolean serverAcceptsTls13, int curve) {
        return serverAcceptsTls13 && tls13 ? (ecdsaCurves13 & curve) != 0 : ecdsaOnTls12;
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
        int ecdsaCurves = 0;
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
                        ecdsaCurves |= ecdsaCurve(in.getUnsignedShort(i));
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
        return new ClientHello(hostName, tls13 && tls13Suite, ecdsaCurves, ecdsaCurves != 0 && ecdsaSuite);
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

    /** The curve of ecdsa_secp256r1_sha256, ecdsa_secp384r1_sha384 and ecdsa_secp521r1_sha512; 0 for other schemes. */
    private static int ecdsaCurve(int scheme) {
        return switch (scheme) {
            case 0x0403 -> P256;
            case 0x0503 -> P384;
            case 0x0603 -> P521;
            default -> 0;
        };
    }

    /** The ECDHE-ECDSA suites of TLS 1.2 (AES-GCM, ChaCha20, and the CBC ones a policy may allow). */
    private static boolean isEcdheEcdsa(int suite) {
        return suite == 0xc02b || suite == 0xc02c || suite == 0xcca9 || suite == 0xc009 || suite == 0xc00a
                || suite == 0xc023 || suite == 0xc024;
    }
}
