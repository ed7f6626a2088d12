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
    private final Duration storeTimeout;
    private final AtomicReference<Role> role = new AtomicReference<>(Role.STANDBY);
    private final AtomicLong ownEpoch = new AtomicLong();
    private final AtomicLong term = new AtomicLong();
    private final Counter promotions;
    private final Counter demotions;
    private final Counter fenceEvents;
    private final Counter storeLosses;
    private final Timer claimTimer;
    private final Timer openTimer;
    private final Timer hookTimer;
    private volatile boolean closed;
    private volatile long storeReachedAtNs = System.nanoTime();
    private Thread watcher;
    private Thread watchdog;

    /**
     * @param epochPoll    how often the ledger is polled (a newer epoch deposes the leader; on standbys it keeps
     *                     the newest epoch known, so a claim costs one HEAD and one create)
     * @param storeTimeout a leader (or a node promoting) whose ledger polls have not succeeded for this long
     *                     gives up the lead: it cannot make anything durable, and another node may reach the store
     */
    public RoleController(String nodeId, String clientAddress, EpochLedger ledger, Elector elector,
                          RoleActions actions, HookRunner hooks, Duration epochPoll, Duration storeTimeout,
                          MeterRegistry metrics) {
        if (storeTimeout.compareTo(epochPoll) <= 0) throw new IllegalArgumentException("store timeout must exceed the epoch poll");
        this.nodeId = nodeId;
        this.clientAddress = clientAddress;
        this.ledger = ledger;
        this.elector = elector;
        this.actions = actions;
        this.hooks = hooks;
        this.epochPoll = epochPoll;
        this.storeTimeout = storeTimeout;
        metrics.gauge("cairn.ha.role", role, r -> r.get().code);
        metrics.gauge("cairn.ha.epoch", ownEpoch, AtomicLong::get);
        promotions = metrics.counter("cairn.ha.promotions");
        demotions = metrics.counter("cairn.ha.demotions");
        fenceEvents = metrics.counter("cairn.ha.fence.events");
        storeLosses = metrics.counter("cairn.ha.store.losses");
        claimTimer = metrics.timer("cairn.ha.failover.phase", "phase", "claim");
        openTimer = metrics.timer("cairn.ha.failover.phase", "phase", "open");
        hookTimer = metrics.timer("cairn.ha.failover.phase", "phase", "hook");
    }

    /**
     * Starts the elector, a watcher that demotes this node when a newer epoch appears in the ledger, and a
     * watchdog that makes a leader cut off from the store step down.
     */
    public void start() {
        elector.start(this);
        watcher = Thread.ofVirtual().name("epoch-watch-" + nodeId).start(this::watchLedger);
        watchdog = Thread.ofVirtual().name("store-watchdog-" + nodeId).start(this::watchStore);
    }

    @Override
    public synchronized void elected(long newTerm) {
        if (closed || role.get() == Role.LEADER) return;
        if (!elector.leads(newTerm)) {
            log.info("node {} skips the election of term {}: it no longer leads in it", nodeId, newTerm);
            return;
        }
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
        if (!elector.leads(newTerm)) {
            // lost while claiming (a slow store): the epoch is spent, but serving it would only be cut short
            log.warn("node {} lost term {} while claiming epoch {}; not serving it", nodeId, newTerm, epoch.epoch());
            role.set(Role.STANDBY);
            return;
        }
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

    /** The epoch this node claimed when it last led (0 if it never did); no store call. */
    public long ownEpoch() {
        return ownEpoch.get();
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
                long latest = ledger.latestEpoch();
                storeReachedAtNs = System.nanoTime();
                if (role.get() == Role.LEADER && latest > ownEpoch.get()) fenced(latest);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("epoch poll failed: {}", e.getMessage());
            }
        }
    }

    /**
     * A leader that cannot reach the store acknowledges nothing (its barriers wait or fail), yet the election
     * may keep it leading: a raft peer that still hears it never votes for anyone else. So when its ledger polls
     * have not succeeded for {@code storeTimeout} (a poll may hang, hence this separate thread) it hands the
     * election over first, then demotes itself (which may block on the unreachable store, so it runs apart).
     */
    private void watchStore() {
        long lastStepDownNs = 0;
        Thread demoting = null;
        while (!closed) {
            try {
                Thread.sleep(epochPoll.toMillis()); // pacing of a periodic check, not synchronisation
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long silentMs = (now - storeReachedAtNs) / 1_000_000;
            Role r = role.get();
            if (silentMs < storeTimeout.toMillis() || (r != Role.LEADER && r != Role.PROMOTING)) continue;
            // again after each storeTimeout: a raft transfer that timed out hands leadership back to this node
            if (lastStepDownNs != 0 && now - lastStepDownNs < storeTimeout.toNanos()) continue;
            lastStepDownNs = now;
            log.warn("node {} has not reached the store for {} ms: stepping down", nodeId, silentMs);
            storeLosses.increment();
            elector.stepDown();
            if (demoting == null || !demoting.isAlive()) {
                demoting = Thread.ofVirtual().name("store-loss-demote-" + nodeId)
                        .start(() -> deposed("store unreachable for " + silentMs + " ms"));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (watcher != null) watcher.interrupt();
        if (watchdog != null) watchdog.interrupt();
        deposed("shutting down");
        elector.close();
        role.set(Role.STOPPED);
    }
}
