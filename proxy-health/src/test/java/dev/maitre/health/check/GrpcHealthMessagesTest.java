package dev.maitre.health.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written health messages read and write what grpc-java's generated classes do: the requests
 * parse as {@code HealthCheckRequest}, the responses it writes read back with their status.
 */
class GrpcHealthMessagesTest {

    @Test
    void theRequestForTheWholeServerIsAnEmptyMessageInItsFrame() {
        assertThat(GrpcHealthMessages.request("")).containsExactly(0, 0, 0, 0, 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 127, 128, 300, 20_000})
    void aRequestParsesAsAHealthCheckRequestNamingTheService(int length) throws Exception {
        String service = "é".repeat(length / 2) + "s".repeat(length % 2);
        byte[] frame = GrpcHealthMessages.request(service);

        assertThat(frame[0]).isZero();
        assertThat(ByteBuffer.wrap(frame, 1, 4).getInt()).isEqualTo(frame.length - 5);
        assertThat(HealthCheckRequest.parseFrom(Arrays.copyOfRange(frame, 5, frame.length)).getService())
                .isEqualTo(service);
    }

    @ParameterizedTest
    @EnumSource(value = ServingStatus.class, names = "UNRECOGNIZED", mode = EnumSource.Mode.EXCLUDE)
    void everyStatusGrpcJavaWritesIsRead(ServingStatus status) {
        byte[] frame = framed(HealthCheckResponse.newBuilder().setStatus(status).build().toByteArray());

        assertThat(GrpcHealthMessages.status(frame, frame.length)).isEqualTo(status.getNumber());
        assertThat(GrpcHealthMessages.statusName(status.getNumber())).isEqualTo(status.name());
    }

    @Test
    void fieldsItDoesNotKnowAreSkipped() {
        // field 2 varint 7, field 3 "ab", field 4 fixed64, field 5 fixed32, then status SERVING
        byte[] frame = framed(new byte[] {0x10, 7, 0x1A, 2, 'a', 'b', 0x21, 1, 2, 3, 4, 5, 6, 7, 8,
            0x2D, 1, 2, 3, 4, 0x08, 1});

        assertThat(GrpcHealthMessages.status(frame, frame.length)).isEqualTo(GrpcHealthMessages.SERVING);
    }

    @Test
    void aStatusNotNamedInThisVersionIsShownByNumber() {
        byte[] frame = framed(new byte[] {0x08, 7});

        assertThat(GrpcHealthMessages.status(frame, frame.length)).isEqualTo(7);
        assertThat(GrpcHealthMessages.statusName(7)).isEqualTo("status 7");
    }

    @Test
    void onlyTheBytesGivenAreRead() {
        byte[] frame = Arrays.copyOf(framed(new byte[] {0x08, 1}), 64);

        assertThat(GrpcHealthMessages.status(frame, 7)).isEqualTo(GrpcHealthMessages.SERVING);
    }

    @Test
    void malformedAnswersAreRefused() {
        assertInvalid(new byte[] {0, 0, 0}, "no message");
        assertInvalid(new byte[] {1, 0, 0, 0, 2, 0x08, 1}, "compressed message");
        assertInvalid(new byte[] {0, 0, 0, 0, 3, 0x08, 1}, "message of 3 bytes in 2");
        assertInvalid(framed(new byte[] {0x08}), "truncated message");
        assertInvalid(framed(new byte[] {0x1A, 5, 'a'}), "field longer than the message");
        assertInvalid(framed(new byte[] {0x0B}), "wire type 3");
        assertInvalid(framed(new byte[] {0x08, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1}), "malformed varint");
    }

    private static void assertInvalid(byte[] frame, String message) {
        assertThatThrownBy(() -> GrpcHealthMessages.status(frame, frame.length))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    private static byte[] framed(byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
    }
}
