package cairn.election;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The role state machine: STANDBY -> PROMOTING -> LEADER -> DEMOTING -> STANDBY.
 *
 * <p>Invariants: this node answers writes only between a successful claim of {@code epoch/<e>} plus a
 * successful writer open at {@code e}, and the first sign that it no longer leads (raft or lease loss, a newer
 * epoch in the ledger, a fenced engine). The election only decides who tries; the epoch ledger's
 * create-if-absent decides who may write, so a wrong election can cost liveness, never safety.
 */
public final class RoleController implements Elector.Listener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RoleController.class);
    private static final int CLAIM_ATTEMPTS = 3;

    private final String nodeId;
    private final String clientAddress;
    private final EpochLedger ledger;
    private final Elector elector;
    private final RoleActions actions;
    private final HookRunner hooks;
    private final Duration epochPoll;
    private final AtomicReference<Role> role = new AtomicReference<>(Role.STANDBY);
    private final AtomicLong ownEpoch = new AtomicLong();
    private final AtomicLong term = new AtomicLong();
    private final Counter promotions;
    private final Counter demotions;
    private final Counter fenceEvents;
    private final Timer claimTimer;
    private final Timer openTimer;
    private final Timer hookTimer;
    private volatile boolean closed;
    private Thread watcher;

    public RoleController(String nodeId, String clientAddress, EpochLedger ledger, Elector elector,
                          RoleActions actions, HookRunner hooks, Duration epochPoll, MeterRegistry metrics) {
        this.nodeId = nodeId;
        this.clientAddress = clientAddress;
        this.ledger = ledger;
        this.elector = elector;
        this.actions = actions;
        this.hooks = hooks;
        this.epochPoll = epochPoll;
        metrics.gauge("cairn.ha.role", role, r -> r.get().code);
        metrics.gauge("cairn.ha.epoch", ownEpoch, AtomicLong::get);
        promotions = metrics.counter("cairn.ha.promotions");
        demotions = metrics.counter("cairn.ha.demotions");
        fenceEvents = metrics.counter("cairn.ha.fence.events");
        claimTimer = metrics.timer("cairn.ha.failover.phase", "phase", "claim");
        openTimer = metrics.timer("cairn.ha.failover.phase", "phase", "open");
        hookTimer = metrics.timer("cairn.ha.failover.phase", "phase", "hook");
    }

    /** Starts the elector and a watcher that demotes this node when a newer epoch appears in the ledger. */
    public void start() {
        elector.start(this);
        watcher = Thread.ofVirtual().name("epoch-watch-" + nodeId).start(this::watchLedger);
    }

    @Override
    public synchronized void elected(long newTerm) {
        if (closed || role.get() == Role.LEADER) return;
        term.set(newTerm);
        role.set(Role.PROMOTING);
        Optional<EpochRecord> claimed = claimTimer.record(() -> claim(newTerm));
        if (claimed.isEmpty()) {
            log.warn("node {} elected in term {} but could not claim an epoch; stepping down", nodeId, newTerm);
            role.set(Role.STANDBY);
            elector.stepDown();
            return;
        }
        EpochRecord epoch = claimed.get();
        try {
            long t0 = System.nanoTime();
            actions.promote(epoch);
            openTimer.record(Duration.ofNanos(System.nanoTime() - t0));
        } catch (Exception e) {
            log.error("node {} failed to open as writer at epoch {}: {}", nodeId, epoch.epoch(), e.toString());
            role.set(Role.STANDBY);
            actions.demote("promotion failed: " + e.getMessage());
            elector.stepDown();
            return;
        }
        ownEpoch.set(epoch.epoch());
        role.set(Role.LEADER);
        promotions.increment();
        log.info("node {} leads at epoch {} (term {})", nodeId, epoch.epoch(), newTerm);
        hookTimer.record(() -> hooks.promoted(nodeId, epoch.epoch()));
    }

    @Override
    public synchronized void deposed(String reason) {
        Role r = role.get();
        if (r != Role.LEADER && r != Role.PROMOTING) return;
        role.set(Role.DEMOTING);
        log.warn("node {} stops leading at epoch {}: {}", nodeId, ownEpoch.get(), reason);
        actions.demote(reason);
        demotions.increment();
        hooks.demoted(nodeId, ownEpoch.get());
        role.set(closed ? Role.STOPPED : Role.STANDBY);
    }

    /** The engine reported that a newer epoch fenced it: stop at once and let the election move on. */
    public void fenced(long newerEpoch) {
        fenceEvents.increment();
        deposed("fenced by epoch " + newerEpoch);
        elector.stepDown();
    }

    /** Planned failover: stop leading so the elector picks another node. */
    public void stepDown() {
        elector.stepDown();
    }

    public Role role() {
        return role.get();
    }

    public RoleStatus status() {
        Optional<EpochRecord> latest = ledger.latest();
        return new RoleStatus(nodeId, role.get(), ownEpoch.get(), latest.map(EpochRecord::epoch).orElse(0L),
                latest.map(EpochRecord::nodeId).orElse(null), latest.map(EpochRecord::clientAddress).orElse(null),
                term.get(), elector.describe());
    }

    private Optional<EpochRecord> claim(long newTerm) {
        for (int i = 0; i < CLAIM_ATTEMPTS; i++) {
            Optional<EpochRecord> rec = ledger.claimNext(nodeId, clientAddress, newTerm);
            if (rec.isPresent()) return rec;
        }
        return Optional.empty();
    }

    private void watchLedger() {
        while (!closed) {
            try {
                Thread.sleep(epochPoll.toMillis()); // pacing of a periodic poll, not synchronisation
                long own = ownEpoch.get();
                if (role.get() == Role.LEADER && ledger.latestEpoch() > own) fenced(ledger.latestEpoch());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("epoch poll failed: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (watcher != null) watcher.interrupt();
        deposed("shutting down");
        elector.close();
        role.set(Role.STOPPED);
    }
}
