package dev.maitre.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerTokenTest {

    @Test
    void onlyTheBearerSchemeWithTheWholeTokenIsAccepted() {
        assertThat(BearerToken.bears("Bearer s3cret", "s3cret")).isTrue();
        assertThat(BearerToken.bears("bearer s3cret", "s3cret")).as("the scheme is case-insensitive").isTrue();
        assertThat(BearerToken.bears("Bearer s3cre", "s3cret")).isFalse();
        assertThat(BearerToken.bears("Bearer s3cret2", "s3cret")).isFalse();
        assertThat(BearerToken.bears("Bearer S3CRET", "s3cret")).isFalse();
        assertThat(BearerToken.bears("Basic czNjcmV0", "s3cret")).isFalse();
        assertThat(BearerToken.bears("s3cret", "s3cret")).isFalse();
        assertThat(BearerToken.bears(null, "s3cret")).isFalse();
    }
}
