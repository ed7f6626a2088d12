package cairn.election.peer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer channel's refusals (a connection refused, or a request refused and its connection closed): how many,
 * the last one's reason, and a log line for each, at most one warning a second (the rest at debug), so that a
 * hostile or misconfigured peer cannot flood the log.
 */
final class Refusals {
    private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Logger log = LoggerFactory.getLogger(PeerTls.class);

    private final AtomicLong count = new AtomicLong();
    private final AtomicReference<String> last = new AtomicReference<>();
    private final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);

    void record(String message) {
        count.incrementAndGet();
        last.set(message);
        long now = System.nanoTime();
        long before = lastWarnNanos.get();
        if (now - before >= WARN_INTERVAL_NANOS && lastWarnNanos.compareAndSet(before, now)) log.warn(message);
        else log.debug(message);
    }

    long count() {
        return count.get();
    }

    /** The last refusal's message, or null. */
    String last() {
        return last.get();
    }
}
