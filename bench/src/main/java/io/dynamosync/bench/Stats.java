package io.dynamosync.bench;

import java.util.Arrays;
import java.util.List;

/** Medians and percentiles of measured samples, by the nearest-rank method. */
public final class Stats {

    private Stats() {}

    /** The {@code p}-th percentile (0 to 100) of {@code samples}; NaN when there are none. */
    public static double percentile(List<Double> samples, double p) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted =
                samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The median; the mean of the middle two for an even count. */
    public static double median(List<Double> samples) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted =
                samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** The mean. */
    public static double mean(List<Double> samples) {
        return samples.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** The largest mean over {@code width} consecutive samples; the mean of all when there are fewer. */
    public static double worstWindowMean(double[] perSecond, int width) {
        if (perSecond.length <= width) {
            return Arrays.stream(perSecond).average().orElse(Double.NaN);
        }
        double worst = 0;
        for (int start = 0; start + width <= perSecond.length; start++) {
            double sum = 0;
            for (int i = start; i < start + width; i++) {
                sum += perSecond[i];
            }
            worst = Math.max(worst, sum / width);
        }
        return worst;
    }
}
