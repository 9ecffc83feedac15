package dev.maitre.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpRangeTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
        "10.0.0.0/8, 10.0.0.1, true",
        "10.0.0.0/8, 10.255.255.255, true",
        "10.0.0.0/8, 11.0.0.0, false",
        "10.0.0.0/8, 9.255.255.255, false",
        "192.168.4.0/22, 192.168.7.255, true",
        "192.168.4.0/22, 192.168.8.0, false",
        "192.168.4.0/22, 192.168.3.255, false",
        "192.0.2.7, 192.0.2.7, true",
        "192.0.2.7, 192.0.2.8, false",
        "192.0.2.7/32, 192.0.2.7, true",
        "0.0.0.0/0, 203.0.113.9, true",
        "0.0.0.0/0, ::1, false",
        "::/0, ::1, true",
        "::/0, 127.0.0.1, false",
        "2001:db8::/32, 2001:db8:ffff::1, true",
        "2001:db8::/32, 2001:db9::1, false",
        "2001:db8::/33, 2001:db8:7fff::1, true",
        "2001:db8::/33, 2001:db8:8000::1, false",
        "::1, ::1, true",
        "::1/128, 0:0:0:0:0:0:0:1, true",
        "::1, 127.0.0.1, false",
        "127.0.0.0/8, ::1, false",
        "::ffff:10.0.0.0/104, 10.1.2.3, true",
        "::ffff:10.0.0.0/104, 11.1.2.3, false",
        "fe80::/10, fe80::1, true",
        "fe80::/10, fec0::1, false",
    })
    void containsTheAddressesOfItsBlock(String range, String address, boolean contained) throws Exception {
        assertThat(IpRange.parse(range).contains(InetAddress.getByName(address))).isEqualTo(contained);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0/8",
        "10.0.0.0.0/8", "256.0.0.0/8", "10.0.0.0/ 8", "10.0.0.1/8", "localhost", "example.com/24", "0x0a000000/8",
        "2001:db8::/129", "2001:db8::1/32", "2001:db8:::/32", "fe80::1%eth0", "[::1]", "::ffff:10.0.0.0/95",
        "10.0.0.0/0008", "1.2.3.4 5"})
    void refusesWhatIsNotAnAddressOrBlock(String text) {
        assertThatThrownBy(() -> IpRange.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(text + " (expected: an IPv4 or IPv6 address or CIDR block");
    }

    @ParameterizedTest
    @CsvSource({
        "10.0.0.0/8, 10.0.0.0/8",
        "192.0.2.7, 192.0.2.7/32",
        "2001:db8::/32, 2001:db8:0:0:0:0:0:0/32",
        "::ffff:10.0.0.0/104, 10.0.0.0/8",
    })
    void printsItselfInCidrNotation(String text, String printed) {
        assertThat(IpRange.parse(text)).hasToString(printed);
        assertThat(IpRange.parse(printed)).isEqualTo(IpRange.parse(text));
    }
}
