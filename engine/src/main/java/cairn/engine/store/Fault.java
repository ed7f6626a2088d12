package cairn.engine.store;

import java.time.Duration;

/** What {@link FaultInjectingStore} does to a call that a {@link FaultRule} selects. */
public sealed interface Fault {

    /** Delays the call by a uniformly random time in {@code [min, max]}, then performs it. */
    record Latency(Duration min, Duration max) implements Fault {}

    /** Fails the call before it reaches the store. */
    record Error(boolean retryable, String message) implements Fault {}

    /** Fails the call with a retryable "SlowDown" before it reaches the store (S3 throttling). */
    record Throttle() implements Fault {}

    /** Performs the call, then throws a retryable error: the write landed but the caller never hears so. */
    record ReplyLost() implements Fault {}

    static Fault latency(Duration min, Duration max) {
        return new Latency(min, max);
    }

    static Fault retryableError() {
        return new Error(true, "injected 503 Service Unavailable");
    }

    static Fault fatalError() {
        return new Error(false, "injected 403 Forbidden");
    }

    static Fault throttle() {
        return new Throttle();
    }

    static Fault replyLost() {
        return new ReplyLost();
    }
}
