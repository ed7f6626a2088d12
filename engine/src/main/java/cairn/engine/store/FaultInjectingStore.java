package cairn.engine.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A seeded, deterministic fault-injecting decorator for tests and the chaos module.
 *
 * <ul>
 *   <li>{@link #add(FaultRule)}: latency, retryable or fatal errors, throttling, and "applied but reply lost",
 *       per operation type and key prefix, with a probability drawn from a {@link Random} seeded at construction
 *       (same seed and call order, same faults).</li>
 *   <li>{@link #pause()} / {@link #resume()}: calls block until resumed (a stalled network or store).</li>
 *   <li>{@link #crashAt(Predicate)}: when a {@link Step} (before or after an operation) matches, the simulated
 *       process dies: that call and every later one throw {@link SimulatedCrash}. A step after a write means the
 *       write landed but the process died before it could act on the reply.</li>
 * </ul>
 */
public final class FaultInjectingStore implements ObjectStore {

    /** Before the operation reaches the store, or after it returned. */
    public enum Phase { BEFORE, AFTER }

    /** One step of one call: a point where a test can make the process die. */
    public record Step(StoreOp op, String key, Phase phase, long callNumber) {}

    private final ObjectStore inner;
    private final Random random;
    /** A rule and how often it fired; guarded by {@code this}. */
    private static final class Active {
        final FaultRule rule;
        int fired;

        Active(FaultRule rule) {
            this.rule = rule;
        }
    }

    private final List<Active> rules = new ArrayList<>();
    private final PauseGate gate = new PauseGate();
    private Predicate<Step> crashPoint = s -> false;
    private volatile String crashedAt;
    private long calls;

    public FaultInjectingStore(ObjectStore inner, long seed) {
        this.inner = inner;
        this.random = new Random(seed);
    }

    /** Adds a rule; rules are checked in order and every matching rule applies. */
    public synchronized FaultRule add(FaultRule rule) {
        rules.add(new Active(rule));
        return rule;
    }

    public synchronized void remove(FaultRule rule) {
        rules.removeIf(a -> a.rule.equals(rule));
    }

    public synchronized void clearFaults() {
        rules.clear();
    }

    /** How often rules equal to {@code rule} fired so far. */
    public synchronized int fired(FaultRule rule) {
        return rules.stream().filter(a -> a.rule.equals(rule)).mapToInt(a -> a.fired).sum();
    }

    /** From now on, calls block (before reaching the store) until {@link #resume()}. */
    public void pause() {
        gate.pause();
    }

    public void resume() {
        gate.resume();
    }

    /** How many calls are blocked by {@link #pause()} right now (lets a test wait until a call is stuck). */
    public int callsBlocked() {
        return gate.blocked();
    }

    /** The process dies at the first step matching {@code point} (replaces an earlier crash point). */
    public synchronized void crashAt(Predicate<Step> point) {
        this.crashPoint = point;
    }

    /** Dies at the {@code n}-th step (1-based, counting BEFORE and AFTER steps) matching {@code point}. */
    public void crashAtNth(int n, Predicate<Step> point) {
        int[] seen = {0};
        crashAt(s -> point.test(s) && ++seen[0] == n);
    }

    public boolean crashed() {
        return crashedAt != null;
    }

    /** Total calls made so far. */
    public synchronized long calls() {
        return calls;
    }

    public ObjectStore inner() {
        return inner;
    }

    @Override
    public Optional<StoredObject> get(String key) {
        return call(StoreOp.GET, key, () -> inner.get(key));
    }

    @Override
    public Optional<StoredObject> getRange(String key, long offset, int length) {
        return call(StoreOp.GET_RANGE, key, () -> inner.getRange(key, offset, length));
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return call(StoreOp.HEAD, key, () -> inner.head(key));
    }

    @Override
    public ObjectInfo put(String key, byte[] data, Map<String, String> metadata) {
        return call(StoreOp.PUT, key, () -> inner.put(key, data, metadata));
    }

    @Override
    public ConditionalPut putIfAbsent(String key, byte[] data, Map<String, String> metadata) {
        return call(StoreOp.PUT_IF_ABSENT, key, () -> inner.putIfAbsent(key, data, metadata));
    }

    @Override
    public ConditionalPut putIfMatch(String key, byte[] data, Map<String, String> metadata, String etag) {
        return call(StoreOp.PUT_IF_MATCH, key, () -> inner.putIfMatch(key, data, metadata, etag));
    }

    @Override
    public ListPage list(String prefix, String startAfter, int maxKeys) {
        return call(StoreOp.LIST, prefix, () -> inner.list(prefix, startAfter, maxKeys));
    }

    @Override
    public void delete(String key) {
        call(StoreOp.DELETE, key, () -> {
            inner.delete(key);
            return null;
        });
    }

    @Override
    public String describe() {
        return "faulty(" + inner.describe() + ")";
    }

    @Override
    public void close() {
        resume();
        inner.close();
    }

    private <T> T call(StoreOp op, String key, Supplier<T> body) {
        long n;
        Duration delay = Duration.ZERO;
        Fault failure = null;
        boolean replyLost = false;
        synchronized (this) {
            n = ++calls;
            for (Active a : rules) {
                FaultRule r = a.rule;
                if (a.fired >= r.timesMax() || !r.selects(op, key) || random.nextDouble() >= r.probability()) continue;
                a.fired++;
                switch (r.fault()) {
                    case Fault.Latency l -> delay = delay.plus(between(l.min(), l.max()));
                    case Fault.ReplyLost rl -> replyLost = true;
                    case Fault.Error e -> failure = failure == null ? e : failure;
                    case Fault.Throttle t -> failure = failure == null ? t : failure;
                }
            }
        }
        step(new Step(op, key, Phase.BEFORE, n));
        awaitResumed();
        if (!delay.isZero()) sleep(delay);
        switch (failure) {
            case Fault.Error e -> throw new StoreException(op.tag() + " " + key + ": " + e.message(), e.retryable());
            case Fault.Throttle t -> throw new StoreException(op.tag() + " " + key + ": injected 503 SlowDown", true);
            case null, default -> { }
        }
        T result = body.get();
        step(new Step(op, key, Phase.AFTER, n));
        if (replyLost) throw new StoreException(op.tag() + " " + key + ": injected lost reply (the call was applied)", true);
        return result;
    }

    private synchronized void step(Step s) {
        if (crashedAt != null) throw new SimulatedCrash("process already crashed at " + crashedAt);
        if (crashPoint.test(s)) {
            crashedAt = s.toString();
            throw new SimulatedCrash("simulated crash at " + s);
        }
    }

    private Duration between(Duration min, Duration max) {
        long spanNs = max.toNanos() - min.toNanos();
        return spanNs <= 0 ? min : min.plusNanos((long) (random.nextDouble() * spanNs));
    }

    private void awaitResumed() {
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while paused", false, e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted during injected latency", false, e);
        }
    }
}
