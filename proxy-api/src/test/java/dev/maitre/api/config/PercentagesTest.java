package dev.maitre.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PercentagesTest {

    @Test
    void parsesIntoAFraction() {
        assertThat(Percentages.parse("10%")).isEqualTo(0.10);
        assertThat(Percentages.parse("2.5%")).isEqualTo(0.025);
        assertThat(Percentages.parse("100%")).isEqualTo(1.0);
        assertThat(Percentages.parse("0%")).isZero();
    }

    @Test
    void acceptsABareZero() {
        assertThat(Percentages.parse("0")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "0.1", "%", "-5%", "ten%", "10 %", "1.2.3%", "10%%"})
    void rejectsWhatIsNotAPercentage(String text) {
        assertThatThrownBy(() -> Percentages.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(text + " (expected: a percentage such as 10% or 2.5%)");
    }

    @Test
    void formatsAFractionAsAPercentage() {
        assertThat(Percentages.format(0.10)).isEqualTo("10%");
        assertThat(Percentages.format(0.025)).isEqualTo("2.5%");
        assertThat(Percentages.format(0.5)).isEqualTo("50%");
        assertThat(Percentages.format(0)).isEqualTo("0%");
    }
}
