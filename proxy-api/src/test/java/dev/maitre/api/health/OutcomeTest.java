package dev.maitre.api.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutcomeTest {

    private static Outcome grpc(int status) {
        return new Outcome("grpc", null, Outcome.Kind.RESPONSE, 200, 1, status);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 13, 14, 15})
    void aGrpcCallEndingWithAServerFailureCountsAgainstTheBackend(int status) {
        assertThat(grpc(status).isFailure()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 5, 6, 7, 8, 9, 10, 11, 12, 16})
    void aGrpcCallEndingWithTheCallersOwnErrorDoesNot(int status) {
        assertThat(grpc(status).isFailure()).isFalse();
    }

    @Test
    void anHttpAnswerIsJudgedByItsStatus() {
        assertThat(new Outcome("web", null, Outcome.Kind.RESPONSE, 503, 1).isFailure()).isTrue();
        assertThat(new Outcome("web", null, Outcome.Kind.RESPONSE, 404, 1).isFailure()).isFalse();
        assertThat(new Outcome("web", null, Outcome.Kind.RESPONSE, 200, 1).grpcStatus())
                .isEqualTo(Outcome.NO_GRPC_STATUS);
    }
}
