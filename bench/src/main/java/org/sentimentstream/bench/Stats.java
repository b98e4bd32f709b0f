package org.sentimentstream.bench;

import java.util.Arrays;
import java.util.Collection;

/** The medians of the reports; their percentiles are {@link org.sentimentstream.embedded.Percentiles}. */
final class Stats {

    private Stats() {}

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
