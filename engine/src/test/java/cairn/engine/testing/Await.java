package cairn.engine.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one way tests wait: poll a condition until it holds or a deadline passes. Polling (not a bare sleep)
 * is the synchronisation; the short pause between polls only keeps the loop from spinning.
 */
public final class Await {
    private static final long POLL_MS = 20;

    private Await() {}

    /** A condition that may throw; an exception fails the wait at once (use assumptions to skip). */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** A probe that yields a value once something is ready. */
    @FunctionalInterface
    public interface Probe<T> {
        Optional<T> poll() throws Exception;
    }

    /** Waits until {@code condition} holds; fails with {@code what} and the timeout otherwise. */
    public static void until(String what, Duration timeout, Condition condition) {
        if (!holdsWithin(timeout, condition)) throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
    }

    /** Waits until {@code probe} yields a value and returns it. */
    public static <T> T value(String what, Duration timeout, Probe<T> probe) {
        var found = new AtomicReference<T>();
        until(what, timeout, () -> {
            probe.poll().ifPresent(found::set);
            return found.get() != null;
        });
        return found.get();
    }

    /** True as soon as {@code condition} holds, false if it never did within {@code window}. */
    public static boolean holdsWithin(Duration window, Condition condition) {
        long end = System.nanoTime() + window.toNanos();
        try {
            while (!condition.holds()) {
                if (System.nanoTime() - end > 0) return false;
                Thread.sleep(POLL_MS);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("condition failed: " + e, e);
        }
    }
}
