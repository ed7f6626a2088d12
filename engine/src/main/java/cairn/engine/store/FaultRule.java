package cairn.engine.store;

import java.util.EnumSet;
import java.util.Set;

/**
 * Selects calls for a {@link Fault}: those of the given operations on keys (or list prefixes) starting with
 * {@code keyPrefix}, each with the given probability (drawn from the store's seeded random).
 */
public record FaultRule(Set<StoreOp> ops, String keyPrefix, double probability, Fault fault) {
    public FaultRule {
        ops = Set.copyOf(ops);
        if (probability < 0 || probability > 1) throw new IllegalArgumentException("probability outside [0, 1]");
    }

    /** Every call, every key, always. Narrow with {@link #onOps}, {@link #onKeys}, {@link #withProbability}. */
    public static FaultRule always(Fault fault) {
        return new FaultRule(EnumSet.allOf(StoreOp.class), "", 1.0, fault);
    }

    public FaultRule onOps(StoreOp first, StoreOp... rest) {
        return new FaultRule(EnumSet.of(first, rest), keyPrefix, probability, fault);
    }

    /** Only writes: put, putIfAbsent, putIfMatch, delete. */
    public FaultRule onWrites() {
        return new FaultRule(EnumSet.of(StoreOp.PUT, StoreOp.PUT_IF_ABSENT, StoreOp.PUT_IF_MATCH, StoreOp.DELETE),
                keyPrefix, probability, fault);
    }

    public FaultRule onKeys(String keyPrefix) {
        return new FaultRule(ops, keyPrefix, probability, fault);
    }

    public FaultRule withProbability(double probability) {
        return new FaultRule(ops, keyPrefix, probability, fault);
    }

    boolean selects(StoreOp op, String key) {
        return ops.contains(op) && key.startsWith(keyPrefix);
    }
}
