package cairn.election;

import static org.junit.jupiter.api.Assertions.*;

import com.alipay.sofa.jraft.JRaftUtils;
import com.alipay.sofa.jraft.util.timer.Timeout;
import com.alipay.sofa.jraft.util.timer.Timer;
import com.alipay.sofa.jraft.util.timer.TimerTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QuickTickTimerFactoryTest {

    @Test
    void jraftUsesTheQuickTickFactory() {
        assertInstanceOf(QuickTickTimerFactory.class, JRaftUtils.raftTimerFactory());
        assertDoesNotThrow(QuickTickTimerFactory::requireInstalled);
    }

    @Test
    void scaledTimerCutsEveryDelayAndStopsItsDelegate() {
        var delays = new ArrayList<Long>();
        var stopped = new ArrayList<Boolean>();
        Timer recording = new Timer() {
            @Override
            public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
                delays.add(unit.toMicros(delay));
                return null;
            }

            @Override
            public Set<Timeout> stop() {
                stopped.add(true);
                return Set.of();
            }
        };
        var timer = new QuickTickTimerFactory.ScaledTimer(recording, 4);
        timer.newTimeout(t -> {}, 1000, TimeUnit.MILLISECONDS);
        timer.newTimeout(t -> {}, 1200, TimeUnit.MILLISECONDS);
        timer.newTimeout(t -> {}, 0, TimeUnit.MILLISECONDS);
        assertEquals(List.of(250_000L, 300_000L, 1L), delays);
        timer.stop();
        assertEquals(List.of(true), stopped);
    }

    @Test
    void electionTimerTicksFourTimesAndVoteTimerTwiceAsFast() {
        var factory = new QuickTickTimerFactory();
        Timer election = factory.getElectionTimer(false, "test-election");
        Timer vote = factory.getVoteTimer(false, "test-vote");
        Timer stepDown = factory.getStepDownTimer(false, "test-step-down");
        try {
            assertEquals(4, assertInstanceOf(QuickTickTimerFactory.ScaledTimer.class, election).divisor());
            assertEquals(2, assertInstanceOf(QuickTickTimerFactory.ScaledTimer.class, vote).divisor());
            assertFalse(stepDown instanceof QuickTickTimerFactory.ScaledTimer, "a leader's step-down check keeps jraft's timing");
        } finally {
            election.stop();
            vote.stop();
            stepDown.stop();
        }
    }
}
