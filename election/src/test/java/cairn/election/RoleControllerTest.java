package cairn.election;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.store.MemoryStore;
import cairn.engine.testing.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoleControllerTest {

    /** An elector the test drives by hand. */
    static final class ManualElector implements Elector {
        Listener listener;
        int stepDowns;
        /** What {@link #leads} answers, call by call; the term {@link #elect} delivered once they run out. */
        final java.util.Deque<Boolean> leadsAnswers = new java.util.ArrayDeque<>();
        long leaderTerm;

        /** Elects this node in {@code term} and delivers the decision. */
        void elect(long term) {
            leaderTerm = term;
            listener.elected(term);
        }

        @Override
        public boolean leads(long term) {
            Boolean scripted = leadsAnswers.poll();
            return scripted != null ? scripted : term == leaderTerm;
        }

        @Override
        public void start(Listener l) {
            listener = l;
        }

        @Override
        public void stepDown() {
            stepDowns++;
        }

        @Override
        public String describe() {
            return "manual";
        }

        @Override
        public void close() {}
    }

    static final class RecordingActions implements RoleActions {
        final List<String> log = new CopyOnWriteArrayList<>();
        boolean failPromote;

        @Override
        public void promote(EpochRecord epoch) throws Exception {
            if (failPromote) throw new IllegalStateException("fenced");
            log.add("promote " + epoch.epoch());
        }

        @Override
        public void demote(String reason) {
            log.add("demote " + reason);
        }
    }

    private final MemoryStore store = new MemoryStore();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final List<RoleController> controllers = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        controllers.forEach(RoleController::close);
    }

    private RoleController controller(String node, ManualElector elector, RecordingActions actions, Duration poll) {
        var c = new RoleController(node, node + ":2049", new EpochLedger(store), elector, actions, HookRunner.none(),
                poll, poll.multipliedBy(10), metrics);
        controllers.add(c);
        c.start();
        return c;
    }

    @Test
    void electionClaimsANewEpochBeforeServingAndDepositionStopsServing() {
        var elector = new ManualElector();
        var actions = new RecordingActions();
        var c = controller("a", elector, actions, Duration.ofHours(1));
        elector.elect(5);
        assertEquals(Role.LEADER, c.role());
        assertEquals(List.of("promote 1"), actions.log);
        RoleStatus s = c.status();
        assertEquals(1, s.ownEpoch());
        assertEquals("a", s.leaderNodeId());
        assertEquals(5, s.term());
        elector.listener.deposed("raft leadership lost");
        assertEquals(Role.STANDBY, c.role());
        assertEquals("demote raft leadership lost", actions.log.get(1));
        assertEquals(1.0, metrics.get("cairn.ha.promotions").counter().count());
    }

    @Test
    void aLeaderSeeingANewerEpochDemotesItself() throws Exception {
        var electorA = new ManualElector();
        var actionsA = new RecordingActions();
        var a = controller("a", electorA, actionsA, Duration.ofMillis(10));
        electorA.elect(1);
        assertEquals(Role.LEADER, a.role());
        // b wins a later election while a is cut off from its peers but not from the store
        var electorB = new ManualElector();
        var b = controller("b", electorB, new RecordingActions(), Duration.ofHours(1));
        electorB.elect(2);
        assertEquals(2, b.status().ownEpoch());
        Await.until("a to notice epoch 2", Duration.ofSeconds(30), () -> a.role() == Role.STANDBY);
        assertEquals("demote fenced by epoch 2", actionsA.log.get(1));
        assertTrue(electorA.stepDowns > 0, "a fenced node steps down in the election too");
    }

    @Test
    void aFailedWriterOpenLeavesTheNodeStandbyAndStepsDown() {
        var elector = new ManualElector();
        var actions = new RecordingActions();
        actions.failPromote = true;
        var c = controller("a", elector, actions, Duration.ofHours(1));
        elector.elect(3);
        assertEquals(Role.STANDBY, c.role());
        assertEquals(1, elector.stepDowns);
        assertTrue(actions.log.get(0).startsWith("demote promotion failed"), actions.log.toString());
    }

    @Test
    void aDecisionAlreadyLostIsNotActedOn() {
        var elector = new ManualElector();
        var actions = new RecordingActions();
        var c = controller("a", elector, actions, Duration.ofHours(1));
        elector.leaderTerm = 8; // term 7 ended while its decision was still queued
        elector.listener.elected(7);
        assertEquals(Role.STANDBY, c.role());
        assertEquals(List.of(), actions.log);
        assertEquals(0, new EpochLedger(store).latestEpoch(), "no epoch claimed: whoever leads now is not fenced");
        elector.elect(8);
        assertEquals(Role.LEADER, c.role());
        assertEquals(List.of("promote 1"), actions.log);
    }

    @Test
    void aTermLostDuringTheClaimIsNotServed() {
        var elector = new ManualElector();
        var actions = new RecordingActions();
        var c = controller("a", elector, actions, Duration.ofHours(1));
        elector.leadsAnswers.addAll(List.of(true, false)); // leads when the claim starts, not when it ends
        elector.elect(4);
        assertEquals(Role.STANDBY, c.role());
        assertEquals(List.of(), actions.log, "nothing opened as writer");
        assertEquals(1, new EpochLedger(store).latestEpoch());
    }
}
