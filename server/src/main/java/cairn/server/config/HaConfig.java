package cairn.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code [ha]}: several nodes on one bucket (docs/ha.md). {@code raft} mode needs {@code raft_address} and
 * {@code peers}; {@code lease} mode uses an S3 lease object instead. {@code peerTls}: mutual TLS on the raft
 * peer channel ({@code peer_tls_cert}, {@code peer_tls_key}, {@code peer_tls_ca}, optional {@code peer_tls_crl};
 * raft mode only).
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
        Optional<String> onDemote,
        Optional<PeerTlsFiles> peerTls) {

    public enum Mode { RAFT, LEASE }

    /** A raft member: {@code "id@host:port"}, or {@code "host:port"} (then the address is its id). */
    public record Peer(String nodeId, HostPort raftAddress) {}

    /**
     * This node's PEM certificate (chain; it names the node id), its unencrypted PEM key (mode 0600), the cluster
     * CA (PEM, one or more) and optionally the CA's revocation lists (PEM or DER; re-read when the file changes).
     */
    public record PeerTlsFiles(Path cert, Path key, Path ca, Optional<Path> crl) {}

    public HaConfig {
        peers = List.copyOf(peers);
    }
}
