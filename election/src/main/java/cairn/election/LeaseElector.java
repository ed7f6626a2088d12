package cairn.election;

import cairn.engine.store.ConditionalPut;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Liveness for two-node setups without raft: the leader renews the {@code lease} object with If-Match; a
 * standby that sees the same lease version for longer than lease + grace takes it over with If-Match on the
 * version it saw. If-Match is not atomic on every store, so two standbys may both believe they won: that costs
 * liveness only, because the epoch ledger's create-if-absent lets exactly one of them write.
 *
 * <p>Time is read from a monotonic clock and only ever compared with this process's own earlier readings.
 */
public final class LeaseElector implements Elector {

    static final String KEY = "election/lease";
    private static final Logger log = LoggerFactory.getLogger(LeaseElector.class);

    private final ObjectStore store;
    private final String nodeId;
    private final long leaseNs;
    private final long graceNs;
    private final LongSupplier nanoClock;
    private Listener listener;
    private Thread loop;
    private volatile boolean closed;

    private boolean leading;
    private String leaseEtag;       // leader: our current version; standby: the version we watch
    private long leaseSinceNs;      // leader: start of the last successful renewal; standby: first sight of leaseEtag
    private long generation;
    private boolean releaseRequested;

    public LeaseElector(ObjectStore store, String nodeId, long leaseMs, long graceMs, LongSupplier nanoClock) {
        if (leaseMs <= 0 || graceMs < 0) throw new IllegalArgumentException("lease must be > 0 and grace >= 0");
        this.store = store;
        this.nodeId = nodeId;
        this.leaseNs = leaseMs * 1_000_000;
        this.graceNs = graceMs * 1_000_000;
        this.nanoClock = nanoClock;
    }

    /** Starts a loop that ticks every third of the lease. */
    @Override
    public synchronized void start(Listener listener) {
        this.listener = listener;
        long periodMs = Math.max(1, leaseNs / 3 / 1_000_000);
        loop = Thread.ofVirtual().name("lease-" + nodeId).start(() -> {
            while (!closed) {
                tick();
                try {
                    Thread.sleep(periodMs); // pacing of a periodic loop, not synchronisation
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Binds the listener without a loop; tests then drive {@link #tick()} themselves. */
    synchronized void attach(Listener listener) {
        this.listener = listener;
    }

    /** One step of the protocol: renew (leader) or watch and maybe take over (standby). */
    synchronized void tick() {
        if (closed) return;
        try {
            if (leading) renew();
            else watch();
        } catch (StoreException e) {
            log.warn("lease {}: store error: {}", nodeId, e.getMessage());
        }
        if (leading && nanoClock.getAsLong() - leaseSinceNs > leaseNs) {
            leading = false;
            listener.deposed("lease not renewed within " + leaseNs / 1_000_000 + " ms");
        }
    }

    private void renew() {
        long startNs = nanoClock.getAsLong();
        var next = encode(releaseRequested ? "" : nodeId, generation + 1);
        var result = store.putIfMatch(KEY, next, Map.of(), leaseEtag);
        if (result instanceof ConditionalPut.Written w) {
            generation++;
            leaseEtag = w.info().etag();
            leaseSinceNs = startNs;
            if (releaseRequested) {
                releaseRequested = false;
                leading = false;
                listener.deposed("stepped down");
            }
        } else {
            leading = false;
            listener.deposed("lease taken over by another node");
        }
    }

    private void watch() {
        long now = nanoClock.getAsLong();
        Optional<cairn.engine.store.StoredObject> current = store.get(KEY);
        if (current.isEmpty()) {
            take(store.putIfAbsent(KEY, encode(nodeId, 1), Map.of()), 1, now);
            return;
        }
        String etag = current.get().info().etag();
        long gen = decodeGeneration(current.get().data());
        boolean released = decodeHolder(current.get().data()).isEmpty();
        if (!etag.equals(leaseEtag)) {
            leaseEtag = etag;
            leaseSinceNs = now;
            if (!released) return;
        }
        if (released || now - leaseSinceNs > leaseNs + graceNs) {
            take(store.putIfMatch(KEY, encode(nodeId, gen + 1), Map.of(), etag), gen + 1, now);
        }
    }

    private void take(ConditionalPut result, long gen, long startNs) {
        if (result instanceof ConditionalPut.Written w) {
            leading = true;
            generation = gen;
            leaseEtag = w.info().etag();
            leaseSinceNs = startNs;
            listener.elected(gen);
        }
    }

    /** Decisions reach the listener synchronously on the lease loop, so the current one is the only one. */
    @Override
    public synchronized boolean leads(long term) {
        return leading;
    }

    @Override
    public synchronized void stepDown() {
        if (leading) releaseRequested = true;
    }

    @Override
    public synchronized String describe() {
        return "lease node=" + nodeId + (leading ? " leading" : " standby") + " generation=" + generation;
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = loop;
        }
        if (t != null) t.interrupt();
    }

    private static byte[] encode(String holder, long generation) {
        return (holder + "\n" + generation).getBytes(StandardCharsets.UTF_8);
    }

    private static String decodeHolder(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        return nl < 0 ? "" : s.substring(0, nl);
    }

    private static long decodeGeneration(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        try {
            return Long.parseLong(s.substring(s.indexOf('\n') + 1).trim());
        } catch (NumberFormatException e) {
            return 0; // a damaged lease only delays takeover by one round; the epoch ledger keeps safety
        }
    }
}
