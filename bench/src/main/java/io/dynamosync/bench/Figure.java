package io.dynamosync.bench;

/**
 * One measured figure beside its reference, the limit of the part it stands on.
 *
 * @param benchmark the benchmark it comes from, e.g. {@code Scan load}
 * @param figure what is measured, e.g. {@code items/s, 4 segments}
 * @param ours the worker's value
 * @param reference the reference's value, measured in the same run
 * @param unit the unit of both values, e.g. {@code items/s} or {@code ms}
 * @param referenceIs what the reference is, in a few words
 */
public record Figure(String benchmark, String figure, double ours, double reference, String unit, String referenceIs) {

    /** Ours over the reference; NaN when the reference is zero or missing. */
    public double ratio() {
        return reference == 0 || Double.isNaN(reference) ? Double.NaN : ours / reference;
    }
}
