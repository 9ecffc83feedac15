package dev.maitre.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A block of IPv4 or IPv6 addresses written in CIDR notation ({@code 10.0.0.0/8},
 * {@code 2001:db8::/32}); a bare address is a block of one. Parsed once when the configuration is
 * read; {@link #contains} is what runs per connection, and it allocates nothing beyond the
 * address's bytes.
 */
public final class IpRange {

    private static final String EXPECTED =
            "an IPv4 or IPv6 address or CIDR block such as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32";

    private final byte[] network;
    private final int prefixLength;

    private IpRange(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code address/prefix} or a bare address. No name is ever resolved: only literal
     * addresses are accepted. Bits beyond the prefix must be zero, so that {@code 10.0.0.1/8} (which
     * looks like one host but means sixteen million) is caught.
     *
     * @throws IllegalArgumentException with a message that says what was expected
     */
    public static IpRange parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.trim();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException(text + " (expected: " + EXPECTED + ")");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = s.substring(slash + 1);
            prefix = length.isEmpty() || length.length() > 3 || !length.chars().allMatch(Character::isDigit)
                    ? -1 : Integer.parseInt(length);
            if (address.indexOf(':') >= 0 && bytes.length == 4) {
                // An IPv4-mapped IPv6 block (::ffff:10.0.0.0/104) is the IPv4 block it maps.
                prefix -= 96;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException(text + " (expected: " + EXPECTED + ", with a prefix length of 0-"
                        + (address.indexOf(':') >= 0 ? 128 : 32) + ")");
            }
        }
        IpRange range = new IpRange(bytes, prefix);
        if (!Arrays.equals(range.masked(bytes), bytes)) {
            byte[] network = range.masked(bytes);
            throw new IllegalArgumentException(text + " (expected: " + EXPECTED + "; the bits beyond the prefix "
                    + "must be zero: " + new IpRange(network, prefix) + ")");
        }
        return range;
    }

    /** Whether {@code address} lies in this block; an IPv4 address is never in an IPv6 block, nor the reverse. */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        int whole = prefixLength / 8;
        for (int i = 0; i < whole; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest);
        return (bytes[whole] & mask) == (network[whole] & mask);
    }

    /** Whether any of {@code ranges} contains {@code address}. */
    public static boolean anyContains(IpRange[] ranges, InetAddress address) {
        for (IpRange range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private byte[] masked(byte[] bytes) {
        byte[] out = bytes.clone();
        for (int bit = prefixLength; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }

    /**
     * The address's bytes when {@code text} is an IPv4 dotted quad or an IPv6 literal, else null.
     * IPv6 text is handed to the JDK only once it holds nothing but hex digits, colons and dots: a
     * text with a colon is never looked up as a name.
     */
    private static byte[] literal(String text) {
        if (text.isEmpty()) {
            return null;
        }
        if (text.indexOf(':') < 0) {
            return ipv4(text);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return null;
            }
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] ipv4(String text) {
        byte[] bytes = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = 0; i <= text.length(); i++) {
            char c = i == text.length() ? '.' : text.charAt(i);
            if (c == '.') {
                if (value < 0 || part == 4) {
                    return null;
                }
                bytes[part++] = (byte) value;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                value = value < 0 ? c - '0' : value * 10 + (c - '0');
                if (value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? bytes : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpRange other && prefixLength == other.prefixLength && Arrays.equals(network, other.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    /** The block in CIDR notation, as it parses back: {@code 10.0.0.0/8}, {@code 2001:db8:0:0:0:0:0:0/32}. */
    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
