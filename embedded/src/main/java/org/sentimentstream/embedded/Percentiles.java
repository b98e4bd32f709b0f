package org.sentimentstream.embedded;

import java.util.Arrays;
import java.util.Collection;
import java.util.NoSuchElementException;

/**
 * Percentiles by nearest rank, the one definition the reports, the {@code local} summary and the tests use: the
 * {@code p}-th percentile of {@code n} values is the value of rank {@code ceil(p * n / 100)} in ascending order (rank
 * 1 for {@code p} = 0), so it is always one of the values and never an interpolation.
 */
public final class Percentiles {

    private Percentiles() {}

    /**
     * The zero-based index, in ascending order, of the {@code p}-th percentile of {@code n} values.
     *
     * <p>{@code p * n / 100} is computed in that order: for a whole {@code p} the product is exact, so the rank is
     * too ({@code ceil(0.28 * 25)} would give 8 where the nearest rank is 7).
     */
    public static int index(int n, double p) {
        if (n < 1) {
            throw new NoSuchElementException("no values");
        }
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("a percentile is between 0 and 100: " + p);
        }
        int rank = (int) Math.ceil(p * n / 100.0);
        return Math.max(0, Math.min(n - 1, rank - 1));
    }

    /** The {@code p}-th percentile (0 to 100) of the values; NaN for none. */
    public static double of(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[index(sorted.length, p)];
    }

    /** The {@code p}-th percentile (0 to 100) of the values; {@link NoSuchElementException} for none. */
    public static long of(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[index(sorted.length, p)];
    }

    /** The {@code p}-th percentile (0 to 100) of the values; {@link NoSuchElementException} for none. */
    public static long of(Collection<Long> values, double p) {
        return of(values.stream().mapToLong(Long::longValue).toArray(), p);
    }

    /** The {@code p}-th percentile (0 to 100) of the values; {@link NoSuchElementException} for none. */
    public static int of(int[] values, double p) {
        int[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[index(sorted.length, p)];
    }
}
