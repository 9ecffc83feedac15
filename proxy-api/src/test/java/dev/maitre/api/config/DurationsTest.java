package dev.maitre.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void parsesEachUnit() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void parsesBareZeroAndZeroWithUnit() {
        assertThat(Durations.parse("0")).isZero();
        assertThat(Durations.parse("0s")).isZero();
        assertThat(Durations.parse("0ms")).isZero();
    }

    @Test
    void parsesDecimalsAndCombinedUnits() {
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("0.25ms")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("1h1m1s1ms")).isEqualTo(Duration.ofMillis(3_661_001));
    }

    @Test
    void ignoresSurroundingWhitespace() {
        assertThat(Durations.parse(" 10s ")).isEqualTo(Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"15x", "10", "s", "-5s", "10 s", "1.2.3s", "30s1m", "1s1s", "10S", "1d",
                            "0.0000001ms", "99999999999999999h"})
    void rejectsWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(text + " (expected: a duration such as 500ms, 10s or 1m)");
    }

    @Test
    void rejectsEmptyTextQuotingIt() {
        assertThatThrownBy(() -> Durations.parse(""))
                .hasMessage("\"\" (expected: a duration such as 500ms, 10s or 1m)");
    }

    @Test
    void formatsWithTheLargestUnitsThatFit() {
        assertThat(Durations.format(Duration.ofSeconds(10))).isEqualTo("10s");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Durations.format(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(Durations.format(Duration.ofSeconds(3630))).isEqualTo("1h30s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.format(Duration.ofNanos(250_000))).isEqualTo("0.25ms");
        assertThat(Durations.format(Duration.ofSeconds(-10))).isEqualTo("-10s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10s", "1m30s", "1h", "1500ms", "0s", "0.25ms", "26h1m"})
    void formatReadsBackToTheSameDuration(String text) {
        assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
    }
}
