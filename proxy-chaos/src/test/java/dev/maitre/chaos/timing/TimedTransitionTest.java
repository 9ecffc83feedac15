package dev.maitre.chaos.timing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimedTransitionTest {

    private final Window window = new Window(1_800, 3_300);
    private final Tolerance tolerance = new Tolerance(50, 550);
    private final Moment fault = new Moment(10_000, 10_010);

    @Test
    void aTransitionInsideTheWindowPasses() {
        TimedTransition t = TimedTransition.measure("detection", window, tolerance, fault, 12_500);
        assertThat(t.withinWindow()).isTrue();
        assertThat(t.shortestMillis()).isEqualTo(2_490);
        assertThat(t.longestMillis()).isEqualTo(2_500);
    }

    @Test
    void tooEarlyBeyondTheToleranceFails() {
        assertThat(TimedTransition.measure("detection", window, tolerance, fault, 11_700).withinWindow()).isFalse();
    }

    @Test
    void lateWithinTheToleranceStillPassesButNotBeyond() {
        assertThat(TimedTransition.measure("detection", window, tolerance, fault, 13_800).withinWindow()).isTrue();
        assertThat(TimedTransition.measure("detection", window, tolerance, fault, 13_900).withinWindow()).isFalse();
    }

    @Test
    void aTransitionThatNeverCameFails() {
        TimedTransition t = TimedTransition.measure("detection", window, tolerance, fault, -1);
        assertThat(t.happened()).isFalse();
        assertThat(t.withinWindow()).isFalse();
    }
}
