package cairn.server.node;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What this node is doing right now, read by the health endpoints, metrics and {@code cairn status}.
 * Thread-safe; written only by the {@link Node} lifecycle (and later by the election role machine).
 */
public final class NodeStatus {

    public enum Phase { STARTING, SERVING, STOPPING, STOPPED, FAILED }

    /** One thing this node listens on, e.g. ("nfs", "127.0.0.1:2049"). */
    public record Listener(String service, String address) {}

    private final Instant startedAt = Instant.now();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile Phase phase = Phase.STARTING;
    private volatile boolean leader;
    private volatile long epoch = -1;
    private volatile String volume = "";
    private volatile String detail = "";

    public Instant startedAt() {
        return startedAt;
    }

    public Phase phase() {
        return phase;
    }

    public void phase(Phase phase, String detail) {
        this.phase = phase;
        this.detail = detail;
    }

    /** Why the node is in its phase, e.g. the error that failed it; empty when nothing to say. */
    public String detail() {
        return detail;
    }

    /** Volume open and every configured server accepting connections. */
    public boolean ready() {
        return phase == Phase.SERVING;
    }

    /** This node is the writer (holds the newest epoch). */
    public boolean leader() {
        return leader && phase == Phase.SERVING;
    }

    public void leader(boolean leader, long epoch) {
        this.leader = leader;
        this.epoch = epoch;
    }

    /** The writer epoch this node opened the volume at; -1 before that. */
    public long epoch() {
        return epoch;
    }

    public String volume() {
        return volume;
    }

    public void volume(String description) {
        this.volume = description;
    }

    public void addListener(String service, String address) {
        listeners.add(new Listener(service, address));
    }

    public List<Listener> listeners() {
        return new ArrayList<>(listeners);
    }
}
