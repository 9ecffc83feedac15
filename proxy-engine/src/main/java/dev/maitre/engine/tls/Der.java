package dev.maitre.engine.tls;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The little DER a key file needs: wrapping a PKCS#1 RSA key or a SEC 1 EC key in the PKCS#8
 * structure the JDK's key factories read.
 */
final class Der {

    /** rsaEncryption, with its NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** id-ecPublicKey. */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private Der() {
    }

    /** PKCS#8 {@code PrivateKeyInfo} around a PKCS#1 {@code RSAPrivateKey}. */
    static byte[] rsaPkcs8(byte[] pkcs1) {
        return sequence(concat(new byte[] {0x02, 0x01, 0x00}, RSA_ALGORITHM, tlv(0x04, pkcs1)));
    }

    /**
     * PKCS#8 {@code PrivateKeyInfo} around a SEC 1 {@code ECPrivateKey}, whose curve is the
     * {@code [0] parameters} field the SEC 1 structure carries.
     */
    static byte[] ecPkcs8(byte[] sec1) throws GeneralSecurityException {
        byte[] curve = null;
        int[] at = {0};
        byte[] body = contents(sec1, at, 0x30);
        int[] inner = {0};
        while (inner[0] < body.length) {
            int tag = body[inner[0]] & 0xff;
            byte[] value = contents(body, inner, tag);
            if (tag == 0xa0) {
                curve = value;
            }
        }
        if (curve == null || curve.length == 0 || curve[0] != 0x06) {
            throw new GeneralSecurityException("the EC private key does not name its curve");
        }
        byte[] algorithm = sequence(concat(EC_PUBLIC_KEY, curve));
        return sequence(concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, sec1)));
    }

    /** The contents of the element at {@code at[0]}, which must have {@code tag}; moves {@code at} past it. */
    private static byte[] contents(byte[] der, int[] at, int tag) throws GeneralSecurityException {
        int i = at[0];
        if (i + 2 > der.length || (der[i] & 0xff) != tag) {
            throw new GeneralSecurityException("the EC private key is not DER");
        }
        i++;
        int length = der[i++] & 0xff;
        if (length > 0x80) {
            int bytes = length - 0x80;
            if (bytes > 3 || i + bytes > der.length) {
                throw new GeneralSecurityException("the EC private key is not DER");
            }
            length = 0;
            for (int b = 0; b < bytes; b++) {
                length = (length << 8) | (der[i++] & 0xff);
            }
        }
        if (length < 0 || i + length > der.length) {
            throw new GeneralSecurityException("the EC private key is not DER");
        }
        at[0] = i + length;
        return Arrays.copyOfRange(der, i, i + length);
    }

    private static byte[] sequence(byte[] body) {
        return tlv(0x30, body);
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int length = value.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
