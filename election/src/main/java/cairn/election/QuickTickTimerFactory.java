package cairn.election;

import com.alipay.sofa.jraft.util.SPI;
import com.alipay.sofa.jraft.util.timer.DefaultRaftTimerFactory;
import com.alipay.sofa.jraft.util.timer.Timeout;
import com.alipay.sofa.jraft.util.timer.Timer;
import com.alipay.sofa.jraft.util.timer.TimerTask;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * jraft's timers, with the election timer ticking {@value #TICKS_PER_TIMEOUT} times per period and the vote timer
 * twice.
 *
 * <p>A jraft follower's election timer fires every election timeout (plus a random delay) and starts a pre-vote
 * only if the leader has then been silent for a whole timeout. The tick and the silence threshold are one
 * number, so a dead leader is noticed between one and two timeouts after its last heartbeat, and a pre-vote a
 * peer refuses (its own last heartbeat came a few milliseconds later) costs another whole period. Ticking
 * faster keeps the threshold, and with it how long a stalled leader is tolerated, but notices a silent leader
 * within a quarter of a timeout of it, and retries a refused pre-vote as soon.
 *
 * <p>Faster ticks make split votes likelier: both survivors cross the threshold on the same last heartbeat, and
 * when the second one's tick comes before the first one's vote request reaches it, both stand and neither wins
 * (after 4 of 20 kills in one benchmark run). The vote timer, how long a candidate waits before it tries again,
 * is then the cost; it runs at half of jraft's period, 0.5-0.6 timeouts. Not less: a vote costs a term-and-vote
 * write on each side, which took a third of a second on a busy disk, and candidates whose votes time out
 * before the answers come try again together (a run with a quarter-period vote timer spent 13 terms in a row
 * on split votes). The step-down timer, which decides when a leader that hears from no majority gives up, is
 * jraft's own.
 *
 * <p>jraft takes its timer factory from {@link SPI} (highest priority wins; its own is 0), for every node in
 * the JVM; {@link #requireInstalled()} checks that this one won.
 */
@SPI(priority = 10)
public class QuickTickTimerFactory extends DefaultRaftTimerFactory {
    static final int TICKS_PER_TIMEOUT = 4;
    static final int VOTE_WAITS_PER_TIMEOUT = 2;

    @Override
    public Timer getElectionTimer(boolean shared, String name) {
        return new ScaledTimer(super.getElectionTimer(shared, name), TICKS_PER_TIMEOUT);
    }

    @Override
    public Timer getVoteTimer(boolean shared, String name) {
        return new ScaledTimer(super.getVoteTimer(shared, name), VOTE_WAITS_PER_TIMEOUT);
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
