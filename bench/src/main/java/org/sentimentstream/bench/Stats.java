package org.sentimentstream.bench;

import java.util.Arrays;
import java.util.Collection;

/** The order statistics of the reports: nearest-rank percentiles and medians. */
final class Stats {

    private Stats() {}

    /** The {@code p}-th percentile (0 to 100) by nearest rank; NaN for no values. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static int percentile(int[] values, double p) {
        return (int) percentile(Arrays.stream(values).asDoubleStream().toArray(), p);
    }

    /** The middle value, or the mean of the two middle ones; NaN for no values. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double median(Collection<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
