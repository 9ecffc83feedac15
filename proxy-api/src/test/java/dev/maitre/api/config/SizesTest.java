package dev.maitre.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {

    @Test
    void parsesBinaryUnits() {
        assertThat(Sizes.parse("512B")).isEqualTo(512);
        assertThat(Sizes.parse("16KiB")).isEqualTo(16 * 1024);
        assertThat(Sizes.parse("1MiB")).isEqualTo(1024 * 1024);
        assertThat(Sizes.parse("1GiB")).isEqualTo(1024L * 1024 * 1024);
        assertThat(Sizes.parse("2TiB")).isEqualTo(2L << 40);
    }

    @Test
    void readsAPlainIntegerAsBytes() {
        assertThat(Sizes.parse("8192")).isEqualTo(8192);
        assertThat(Sizes.parse("0")).isZero();
    }

    @Test
    void parsesDecimalsThatComeToWholeBytes() {
        assertThat(Sizes.parse("1.5MiB")).isEqualTo(1536 * 1024);
        assertThat(Sizes.parse("0.5KiB")).isEqualTo(512);
    }

    @ParameterizedTest
    @ValueSource(strings = {"16KB", "1M", "1mib", "KiB", "-1", "1.5", "0.3B", "1 KiB", "lots", "99999999999TiB"})
    void rejectsWhatIsNotASize(String text) {
        assertThatThrownBy(() -> Sizes.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(text + " (expected: a size such as 512B, 16KiB or 1MiB)");
    }

    @Test
    void formatsWithTheLargestUnitThatDividesExactly() {
        assertThat(Sizes.format(16 * 1024)).isEqualTo("16KiB");
        assertThat(Sizes.format(100L * 1024 * 1024)).isEqualTo("100MiB");
        assertThat(Sizes.format(1L << 30)).isEqualTo("1GiB");
        assertThat(Sizes.format(1536)).isEqualTo("1536B");
        assertThat(Sizes.format(1000)).isEqualTo("1000B");
        assertThat(Sizes.format(0)).isEqualTo("0B");
    }

    @ParameterizedTest
    @ValueSource(strings = {"512B", "16KiB", "1MiB", "1GiB", "1000B"})
    void formatReadsBackToTheSameSize(String text) {
        assertThat(Sizes.format(Sizes.parse(text))).isEqualTo(text);
    }
}
