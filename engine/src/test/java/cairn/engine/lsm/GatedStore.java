package cairn.engine.lsm;

import cairn.engine.store.ConditionalPut;
import cairn.engine.store.ListPage;
import cairn.engine.store.ObjectInfo;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.StoreException;
import cairn.engine.store.StoredObject;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Test decorator, one per simulated process: holds calls on chosen keys before they reach the store (a paused
 * process) or after they applied (a reply that is slow to come back) until released. Unlike a global pause this
 * lets a test order one WAL or manifest PUT precisely against another process's steps.
 */
final class GatedStore implements ObjectStore {
    private final ObjectStore delegate;
    private final Object lock = new Object();
    private Predicate<String> before = k -> false;
    private Predicate<String> after = k -> false;
    private int held;

    GatedStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    void holdBefore(Predicate<String> keys) {
        synchronized (lock) {
            before = keys;
        }
    }

    void holdAfter(Predicate<String> keys) {
        synchronized (lock) {
            after = keys;
        }
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

    private void pass(boolean isBefore, String key) {
        synchronized (lock) {
            if (!(isBefore ? before : after).test(key)) return;
            held++;
            lock.notifyAll();
            try {
                while ((isBefore ? before : after).test(key)) lock.wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted", false, e);
            } finally {
                held--;
            }
        }
    }

    private <T> T call(String key, Supplier<T> op) {
        pass(true, key);
        T result = op.get();
        pass(false, key);
        return result;
    }

    @Override
    public Optional<StoredObject> get(String key) {
        return call(key, () -> delegate.get(key));
    }

    @Override
    public Optional<StoredObject> getRange(String key, long offset, int length) {
        return call(key, () -> delegate.getRange(key, offset, length));
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return call(key, () -> delegate.head(key));
    }

    @Override
    public ObjectInfo put(String key, byte[] data, Map<String, String> metadata) {
        return call(key, () -> delegate.put(key, data, metadata));
    }

    @Override
    public ConditionalPut putIfAbsent(String key, byte[] data, Map<String, String> metadata) {
        return call(key, () -> delegate.putIfAbsent(key, data, metadata));
    }

    @Override
    public ConditionalPut putIfMatch(String key, byte[] data, Map<String, String> metadata, String etag) {
        return call(key, () -> delegate.putIfMatch(key, data, metadata, etag));
    }

    @Override
    public ListPage list(String prefix, String startAfter, int maxKeys) {
        return call(prefix, () -> delegate.list(prefix, startAfter, maxKeys));
    }

    @Override
    public void delete(String key) {
        call(key, () -> {
            delegate.delete(key);
            return null;
        });
    }

    @Override
    public String describe() {
        return "gated(" + delegate.describe() + ")";
    }

    @Override
    public void close() {}
}
