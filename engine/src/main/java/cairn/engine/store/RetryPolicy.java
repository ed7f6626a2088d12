package cairn.engine.store;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Retries a store call that failed with a retryable {@link StoreException}: jittered exponential backoff, an
 * overall deadline, and a hook that counts each retry (a metric). Non-retryable errors and answers (including
 * "not found") pass through at once.
 */
public record RetryPolicy(Duration deadline, Duration initialBackoff, Duration maxBackoff, Runnable onRetry) {

    public static RetryPolicy defaults(Runnable onRetry) {
        return new RetryPolicy(Duration.ofSeconds(60), Duration.ofMillis(20), Duration.ofSeconds(2), onRetry);
    }

    public <T> T call(String what, Supplier<T> op) {
        long deadlineNs = System.nanoTime() + deadline.toNanos();
        long backoffMs = initialBackoff.toMillis();
        while (true) {
            try {
                return op.get();
            } catch (StoreException e) {
                if (!e.retryable()) throw e;
                long leftMs = (deadlineNs - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0) {
                    throw new StoreException(what + ": gave up after " + deadline.toMillis() + " ms", false, e);
                }
                onRetry.run();
                sleep(Math.min(leftMs, ThreadLocalRandom.current().nextLong(backoffMs / 2, backoffMs + 1)));
                backoffMs = Math.min(maxBackoff.toMillis(), backoffMs * 2);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while backing off", false, ie);
        }
    }
}
