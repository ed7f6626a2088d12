package cairn.engine.lsm;

import cairn.engine.store.ConditionalPut;
import cairn.engine.store.ListPage;
import cairn.engine.store.ObjectInfo;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.StoreException;
import cairn.engine.store.StoredObject;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Test decorator over a shared store, one per simulated process: seeded retryable errors (before the call),
 * lost replies (the call is applied, then a retryable error), a crash after N calls (every later call fails
 * for good: the process is dead, its threads can do nothing more), and a gate that holds matching calls
 * before or after they apply (a paused process or a slow reply).
 */
final class FaultyStore implements ObjectStore {
    private final ObjectStore delegate;
    private final Random random;
    private volatile double errorRate;
    private volatile double lostReplyRate;
    private final AtomicInteger callsLeft = new AtomicInteger(Integer.MAX_VALUE);
    private final AtomicInteger calls = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong bytesPut = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean crashed;
    private final Gate gate = new Gate();

    /** Holds calls whose key matches, before or after they apply, until released. */
    static final class Gate {
        private volatile Predicate<String> before = k -> false;
        private volatile Predicate<String> after = k -> false;
        private final Object lock = new Object();
        private int held;

        void holdBefore(Predicate<String> p) {
            before = p;
        }

        void holdAfter(Predicate<String> p) {
            after = p;
        }

        void release() {
            synchronized (lock) {
                before = k -> false;
                after = k -> false;
                lock.notifyAll();
            }
        }

        /** Waits (with a deadline) until at least {@code n} calls are being held. */
        void awaitHeld(int n) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 10_000;
            synchronized (lock) {
                while (held < n) {
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0) throw new AssertionError("no call reached the gate");
                    lock.wait(left);
                }
            }
        }

        void pass(Predicate<String> which, String key) {
            synchronized (lock) {
                if (!which.test(key)) return;
                held++;
                lock.notifyAll();
                while (which == before ? before.test(key) : after.test(key)) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new StoreException("interrupted", false, e);
                    }
                }
                held--;
            }
        }
    }

    FaultyStore(ObjectStore delegate, long seed) {
        this.delegate = delegate;
        this.random = new Random(seed);
    }

    FaultyStore faults(double errorRate, double lostReplyRate) {
        this.errorRate = errorRate;
        this.lostReplyRate = lostReplyRate;
        return this;
    }

    void crashAfter(int n) {
        callsLeft.set(n);
    }

    void crash() {
        crashed = true;
    }

    int calls() {
        return calls.get();
    }

    /** Bytes of every PUT that reached the store (write-amplification accounting). */
    long bytesPut() {
        return bytesPut.get();
    }

    Gate gate() {
        return gate;
    }

    private <T> T call(String key, boolean mutating, Supplier<T> op) {
        if (crashed || callsLeft.getAndDecrement() <= 0) {
            crashed = true;
            throw new StoreException("process crashed", false);
        }
        calls.incrementAndGet();
        double r1, r2;
        synchronized (random) {
            r1 = random.nextDouble();
            r2 = random.nextDouble();
        }
        if (r1 < errorRate) throw new StoreException("injected error on " + key, true);
        gate.pass(gate.before, key);
        T result = op.get();
        gate.pass(gate.after, key);
        if (crashed) throw new StoreException("process crashed", false);
        if (mutating && r2 < lostReplyRate) throw new StoreException("injected lost reply on " + key, true);
        return result;
    }

    @Override
    public Optional<StoredObject> get(String key) {
        return call(key, false, () -> delegate.get(key));
    }

    @Override
    public Optional<StoredObject> getRange(String key, long offset, int length) {
        return call(key, false, () -> delegate.getRange(key, offset, length));
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return call(key, false, () -> delegate.head(key));
    }

    @Override
    public ObjectInfo put(String key, byte[] data, Map<String, String> metadata) {
        bytesPut.addAndGet(data.length);
        return call(key, true, () -> delegate.put(key, data, metadata));
    }

    @Override
    public ConditionalPut putIfAbsent(String key, byte[] data, Map<String, String> metadata) {
        bytesPut.addAndGet(data.length);
        return call(key, true, () -> delegate.putIfAbsent(key, data, metadata));
    }

    @Override
    public ConditionalPut putIfMatch(String key, byte[] data, Map<String, String> metadata, String etag) {
        return call(key, true, () -> delegate.putIfMatch(key, data, metadata, etag));
    }

    @Override
    public ListPage list(String prefix, String startAfter, int maxKeys) {
        return call(prefix, false, () -> delegate.list(prefix, startAfter, maxKeys));
    }

    @Override
    public void delete(String key) {
        call(key, true, () -> {
            delegate.delete(key);
            return null;
        });
    }

    @Override
    public String describe() {
        return "faulty(" + delegate.describe() + ")";
    }

    @Override
    public void close() {}
}
