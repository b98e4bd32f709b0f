package org.sentimentstream.embedded;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PercentilesTest {

    @Test
    void nearestRankOfTenValues() {
        // shuffled 10..100: the p-th percentile is the value of rank ceil(p * 10 / 100)
        long[] values = {70, 10, 100, 40, 20, 90, 30, 60, 80, 50};
        assertThat(Percentiles.of(values, 0)).isEqualTo(10);
        assertThat(Percentiles.of(values, 1)).isEqualTo(10);
        assertThat(Percentiles.of(values, 10)).isEqualTo(10);
        assertThat(Percentiles.of(values, 11)).isEqualTo(20);
        assertThat(Percentiles.of(values, 50)).isEqualTo(50);
        assertThat(Percentiles.of(values, 51)).isEqualTo(60);
        assertThat(Percentiles.of(values, 90)).isEqualTo(90);
        assertThat(Percentiles.of(values, 95)).isEqualTo(100);
        assertThat(Percentiles.of(values, 99)).isEqualTo(100);
        assertThat(Percentiles.of(values, 100)).isEqualTo(100);
        assertThat(values).as("the input is not sorted in place").startsWith(70, 10, 100);
    }

    @Test
    void p99OfAHundredIsTheNinetyNinthValueNotTheLargest() {
        long[] oneToHundred = LongStream.rangeClosed(1, 100).toArray();
        assertThat(Percentiles.of(oneToHundred, 99)).isEqualTo(99);
        assertThat(Percentiles.of(oneToHundred, 50)).isEqualTo(50);
        assertThat(Percentiles.of(LongStream.rangeClosed(1, 101).toArray(), 99)).isEqualTo(100);
        assertThat(Percentiles.of(LongStream.rangeClosed(1, 1000).toArray(), 99.9))
                .isEqualTo(999);
    }

    @Test
    void theRankIsExactWhereTheFractionWouldRoundUp() {
        // 0.28 * 25 is 7.000000000000001 in doubles: ceil would give rank 8
        assertThat(Percentiles.index(25, 28)).isEqualTo(6);
        assertThat(Percentiles.index(50, 14)).isEqualTo(6);
        for (int n = 1; n <= 1000; n++) {
            for (int p = 1; p <= 100; p++) {
                assertThat(Percentiles.index(n, p)).as("n=%d p=%d", n, p).isEqualTo((p * n + 99) / 100 - 1);
            }
        }
    }

    @Test
    void oneValueIsEveryPercentile() {
        assertThat(Percentiles.of(new long[] {42}, 0)).isEqualTo(42);
        assertThat(Percentiles.of(new long[] {42}, 50)).isEqualTo(42);
        assertThat(Percentiles.of(new long[] {42}, 100)).isEqualTo(42);
    }

    @Test
    void everyTypeGivesTheSameValue() {
        assertThat(Percentiles.of(List.of(3L, 1L, 2L, 5L, 4L), 60)).isEqualTo(3L);
        assertThat(Percentiles.of(new int[] {3, 1, 2, 5, 4}, 60)).isEqualTo(3);
        assertThat(Percentiles.of(new double[] {0.3, 0.1, 0.2, 0.5, 0.4}, 60)).isEqualTo(0.3);
        assertThat(Percentiles.of(new double[] {0.3, 0.1, 0.2, 0.5, 0.4}, 61)).isEqualTo(0.4);
    }

    @Test
    void noValuesAndPercentilesOutOfRange() {
        assertThat(Percentiles.of(new double[0], 50)).isNaN();
        assertThatThrownBy(() -> Percentiles.of(new long[0], 50)).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> Percentiles.of(List.of(), 50)).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(() -> Percentiles.of(new long[] {1}, 101))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("101");
        assertThatThrownBy(() -> Percentiles.of(new long[] {1}, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.of(new long[] {1}, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
