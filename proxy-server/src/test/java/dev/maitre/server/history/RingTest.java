package dev.maitre.server.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RingTest {

    @Test
    void holdsTheValuesAddedOldestFirst() {
        Ring ring = new Ring(3);
        ring.add(1);
        ring.add(2);

        assertThat(ring.values()).containsExactly(1, 2);
        assertThat(ring.size()).isEqualTo(2);
    }

    @Test
    void aFullRingDropsItsOldestValueForEachNewOne() {
        Ring ring = new Ring(3);
        for (int i = 1; i <= 7; i++) {
            ring.add(i);
        }

        assertThat(ring.values()).containsExactly(5, 6, 7);
        assertThat(ring.size()).isEqualTo(ring.capacity()).isEqualTo(3);
    }

    @Test
    void paddingFillsWithNoValueUpToTheCountAndNeverPastTheCapacity() {
        Ring late = new Ring(4);
        late.padTo(2);
        late.add(9);

        assertThat(late.values()).containsExactly(Double.NaN, Double.NaN, 9);

        Ring full = new Ring(2);
        full.padTo(5);
        assertThat(full.values()).containsExactly(Double.NaN, Double.NaN);
    }

    @Test
    void aRingHoldsAtLeastOneValue() {
        assertThatThrownBy(() -> new Ring(0)).hasMessage("capacity: 0 (expected: >= 1)");
    }
}
