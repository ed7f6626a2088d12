package cairn.engine.store;

import java.util.EnumSet;
import java.util.Set;

/**
 * Selects calls for a {@link Fault}: those of the given operations on keys (or list prefixes) starting with
 * {@code keyPrefix}, each with the given probability (drawn from the store's seeded random), at most
 * {@code timesMax} times.
 */
public record FaultRule(Set<StoreOp> ops, String keyPrefix, double probability, int timesMax, Fault fault) {
    public FaultRule {
        ops = Set.copyOf(ops);
        if (probability < 0 || probability > 1) throw new IllegalArgumentException("probability outside [0, 1]");
        if (timesMax < 0) throw new IllegalArgumentException("timesMax must not be negative");
    }

    /**
     * Every call, every key, always, without limit. Narrow with {@link #onOps}, {@link #onWrites}, {@link #onKeys},
     * {@link #withProbability}, {@link #times}.
     */
    public static FaultRule always(Fault fault) {
        return new FaultRule(EnumSet.allOf(StoreOp.class), "", 1.0, Integer.MAX_VALUE, fault);
    }

    public FaultRule onOps(StoreOp first, StoreOp... rest) {
        return new FaultRule(EnumSet.of(first, rest), keyPrefix, probability, timesMax, fault);
    }

    /** Only writes: put, putIfAbsent, putIfMatch, delete. */
    public FaultRule onWrites() {
        return new FaultRule(EnumSet.of(StoreOp.PUT, StoreOp.PUT_IF_ABSENT, StoreOp.PUT_IF_MATCH, StoreOp.DELETE),
                keyPrefix, probability, timesMax, fault);
    }

    public FaultRule onKeys(String keyPrefix) {
        return new FaultRule(ops, keyPrefix, probability, timesMax, fault);
    }

    public FaultRule withProbability(double probability) {
        return new FaultRule(ops, keyPrefix, probability, timesMax, fault);
    }

    /** Fires at most {@code n} times, then stays in place doing nothing. */
    public FaultRule times(int n) {
        return new FaultRule(ops, keyPrefix, probability, n, fault);
    }

    boolean selects(StoreOp op, String key) {
        return ops.contains(op) && key.startsWith(keyPrefix);
    }
}
