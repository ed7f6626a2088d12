package cairn.server.config;

import java.util.List;
import java.util.Optional;

/**
 * {@code [ha]} (reserved: parsed and validated; the election module consumes it). {@code raft} mode needs
 * {@code raft_address} and {@code peers}; {@code lease} mode uses an S3 lease object instead.
 */
public record HaConfig(
        String nodeId,
        Mode mode,
        Optional<HostPort> raftAddress,
        List<HostPort> peers,
        long electionTimeoutMs,
        long leaseMs,
        long pollIntervalMs,
        Optional<String> onPromote,
        Optional<String> onDemote) {

    public enum Mode { RAFT, LEASE }

    public HaConfig {
        peers = List.copyOf(peers);
    }
}
