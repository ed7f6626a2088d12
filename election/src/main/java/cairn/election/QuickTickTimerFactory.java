package cairn.election;

import com.alipay.sofa.jraft.util.SPI;
import com.alipay.sofa.jraft.util.timer.DefaultRaftTimerFactory;
import com.alipay.sofa.jraft.util.timer.Timeout;
import com.alipay.sofa.jraft.util.timer.Timer;
import com.alipay.sofa.jraft.util.timer.TimerTask;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * jraft's timers, with the election timer ticking {@value #TICKS_PER_TIMEOUT} times per period.
 *
 * <p>A jraft follower's election timer fires every election timeout (plus a random delay) and starts a pre-vote
 * only if the leader has then been silent for a whole timeout. The tick and the silence threshold are one
 * number, so a dead leader is noticed between one and two timeouts after its last heartbeat, and a pre-vote a
 * peer refuses (its own last heartbeat came a few milliseconds later) costs another whole period. Ticking
 * faster keeps the threshold, and with it how long a stalled leader is tolerated, but notices a silent leader
 * within a quarter of a timeout of it, and retries a refused pre-vote as soon. The vote timer (how long a
 * candidate waits for votes) keeps jraft's timing: a vote costs a term-and-vote write on each side, which took
 * a quarter of a second on a busy disk, and candidates whose votes time out together try again together (one
 * benchmark run spent 13 terms in a row on split votes with a quarter-period vote timer). The step-down timer,
 * which decides when a leader that hears from no majority gives up, is jraft's own too.
 *
 * <p>jraft takes its timer factory from {@link SPI} (highest priority wins; its own is 0), for every node in
 * the JVM; {@link #requireInstalled()} checks that this one won.
 */
@SPI(priority = 10)
public class QuickTickTimerFactory extends DefaultRaftTimerFactory {
    static final int TICKS_PER_TIMEOUT = 4;

    @Override
    public Timer getElectionTimer(boolean shared, String name) {
        return new ScaledTimer(super.getElectionTimer(shared, name), TICKS_PER_TIMEOUT);
    }

    /** Fails unless jraft picked this factory: without it failover detection is up to twice as slow. */
    static void requireInstalled() {
        var factory = com.alipay.sofa.jraft.JRaftUtils.raftTimerFactory();
        if (!(factory instanceof QuickTickTimerFactory)) {
            throw new IllegalStateException("jraft's timer factory must be " + QuickTickTimerFactory.class.getName()
                    + " (META-INF/services/com.alipay.sofa.jraft.util.timer.RaftTimerFactory), but it is "
                    + factory.getClass().getName());
        }
    }

    /** A timer whose every delay is cut by {@code divisor}. */
    record ScaledTimer(Timer delegate, int divisor) implements Timer {
        @Override
        public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
            return delegate.newTimeout(task, Math.max(1, unit.toMicros(delay) / divisor), TimeUnit.MICROSECONDS);
        }

        @Override
        public Set<Timeout> stop() {
            return delegate.stop();
        }
    }
}
