package cairn.election;

import static org.junit.jupiter.api.Assertions.*;

import cairn.engine.store.MemoryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LeaseElectorTest {

    private static final long LEASE_MS = 1000, GRACE_MS = 500;
    private final AtomicLong clockA = new AtomicLong();
    private final AtomicLong clockB = new AtomicLong();
    private final MemoryStore store = new MemoryStore();
    private final Recorder a = new Recorder();
    private final Recorder b = new Recorder();
    private final LeaseElector electorA = new LeaseElector(store, "a", LEASE_MS, GRACE_MS, clockA::get);
    private final LeaseElector electorB = new LeaseElector(store, "b", LEASE_MS, GRACE_MS, clockB::get);

    static final class Recorder implements Elector.Listener {
        final List<String> events = new ArrayList<>();

        @Override
        public void elected(long term) {
            events.add("elected");
        }

        @Override
        public void deposed(String reason) {
            events.add("deposed: " + reason);
        }
    }

    LeaseElectorTest() {
        electorA.attach(a);
        electorB.attach(b);
    }

    private static void advance(AtomicLong clock, long ms) {
        clock.addAndGet(ms * 1_000_000);
    }

    @Test
    void firstNodeTakesAnEmptyLeaseAndAStandbyWaitsWhileItIsRenewed() {
        electorA.tick();
        assertEquals(List.of("elected"), a.events);
        for (int i = 0; i < 10; i++) {
            electorB.tick();
            advance(clockA, 300);
            advance(clockB, 300);
            electorA.tick();
        }
        assertEquals(List.of(), b.events, "standby must not take a lease that is renewed");
        assertEquals(List.of("elected"), a.events);
    }

    @Test
    void standbyTakesOverAfterLeasePlusGraceAndTheOldLeaderLearnsItLost() {
        electorA.tick();
        electorB.tick(); // first sight of A's lease
        advance(clockB, LEASE_MS + GRACE_MS - 1);
        electorB.tick();
        assertEquals(List.of(), b.events, "too early");
        advance(clockB, 2);
        electorB.tick();
        assertEquals(List.of("elected"), b.events);
        electorA.tick(); // A was paused; its renewal now collides
        assertEquals("deposed: lease taken over by another node", a.events.get(1));
    }

    @Test
    void steppingDownReleasesTheLeaseForAnImmediateTakeover() {
        electorA.tick();
        electorB.tick();
        electorA.stepDown();
        electorA.tick();
        assertEquals("deposed: stepped down", a.events.get(1));
        electorB.tick();
        assertEquals(List.of("elected"), b.events, "a released lease is taken without waiting");
    }
}
