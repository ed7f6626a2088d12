package cairn.server.config;

import java.util.List;
import java.util.Optional;

/**
 * {@code [ha]}: several nodes on one bucket (docs/ha.md). {@code raft} mode needs {@code raft_address} and
 * {@code peers}; {@code lease} mode uses an S3 lease object instead.
 */
public record HaConfig(
        String nodeId,
        Mode mode,
        Optional<HostPort> raftAddress,
        List<Peer> peers,
        long electionTimeoutMs,
        long leaseMs,
        long graceMs,
        long pollIntervalMs,
        long storeTimeoutMs,
        Optional<String> onPromote,
        Optional<String> onDemote) {

    public enum Mode { RAFT, LEASE }

    /** A raft member: {@code "id@host:port"}, or {@code "host:port"} (then the address is its id). */
    public record Peer(String nodeId, HostPort raftAddress) {}

    public HaConfig {
        peers = List.copyOf(peers);
    }
}
