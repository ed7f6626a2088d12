package cairn.server.config;

/** The commented config that {@code cairn init} writes; it parses back with {@link ConfigLoader}. */
public final class ConfigTemplate {
    private ConfigTemplate() {}

    public static String render(String storageUrl, String cacheDir) {
        return TEMPLATE.replace("@URL@", tomlString(storageUrl)).replace("@CACHE@", tomlString(cacheDir));
    }

    private static String tomlString(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static final String TEMPLATE = """
            # Cairn node configuration (TOML). Reference: docs/configuration.md
            # Relative paths are resolved against the directory of this file.
            # "${NAME}" in any string is replaced by the environment variable NAME ("$$" is a literal "$").
            # Unknown keys are an error. Leaving a [servers.*] section out disables that server.

            [storage]
            # Where the volume lives: file:///dir (one host), s3://bucket/prefix (any S3), memory:// (tests).
            url = "@URL@"
            # The volume password (wraps the data key with Argon2id). Either password or key_file.
            password = "${CAIRN_PASSWORD}"
            # key_file = "/etc/cairn/key"     # a file holding the password
            # Block compression: "lz4" (fast) or "zstd-1" .. "zstd-19" (smaller).
            compression = "lz4"

            [cache]
            # Local state (admin socket, raft log) and, in ranges/, the disk cache of immutable object ranges.
            dir = "@CACHE@"
            # disk_dir = "/var/cache/cairn"   # the disk cache elsewhere (default: <dir>/ranges)
            disk_size_gb = 10                 # 0 = no disk cache
            memory_size_gb = 1

            [servers.nfs]
            # NFSv3 + MOUNT over TCP.
            addresses = ["127.0.0.1:2049"]

            [servers.ninep]
            # 9P2000.L over TCP and, optionally, a Unix socket.
            addresses = ["127.0.0.1:5564"]
            # unix_socket = "/run/cairn/9p.sock"

            [servers.nbd]
            # NBD block devices (the files in /.nbd/).
            addresses = ["127.0.0.1:10809"]
            # unix_socket = "/run/cairn/nbd.sock"
            # STARTTLS: "off" (default), "optional" or "required"; tls_ca also requires client certificates.
            # tls = "required"
            # tls_cert = "/etc/cairn/tls/nbd-cert.pem"
            # tls_key = "/etc/cairn/tls/nbd-key.pem"
            # tls_ca = "/etc/cairn/tls/clients-ca.pem"

            [servers.http]
            # /metrics (Prometheus), /health/live, /health/ready, /health/leader.
            addresses = ["127.0.0.1:9464"]

            # S3 client settings for s3:// URLs; left out = the AWS SDK default chain.
            # [aws]
            # endpoint = "http://127.0.0.1:9000"
            # region = "us-east-1"
            # access_key_id = "${AWS_ACCESS_KEY_ID}"
            # secret_access_key = "${AWS_SECRET_ACCESS_KEY}"
            # path_style = true

            # Engine tuning.
            # [engine]
            # flush_interval_ms = 100   # bound on the age of un-flushed writes
            # memtable_mb = 64
            # sync = false              # true: every metadata operation is a barrier

            # [filesystem]
            # max_size_gb = 1024        # ENOSPC beyond this
            # extent_kb = 32            # power of two, 4 .. 1024; fixed when the volume is created

            # High availability (several nodes on one bucket).
            # [ha]
            # node_id = "node-a"
            # mode = "raft"             # or "lease" (two nodes, no raft)
            # raft_address = "10.0.0.1:7000"
            # peers = ["node-a@10.0.0.1:7000", "node-b@10.0.0.2:7000", "node-c@10.0.0.3:7000"]
            # election_timeout_ms = 1000
            # lease_ms = 3000            # lease mode: renewed every third of it
            # grace_ms = 1000           # lease mode: a standby waits lease_ms + grace_ms
            # poll_interval_ms = 200
            # store_timeout_ms = 5000   # a leader that cannot reach the store this long steps down
            # on_promote = "/etc/cairn/promote.sh"
            # on_demote = "/etc/cairn/demote.sh"
            # Mutual TLS between raft peers (raft mode; docs/ha.md, "Peer authentication"). Each node's
            # certificate must name its node_id (as CN or a DNS subject alternative name) and chain to the CA.
            # peer_tls_cert = "/etc/cairn/peer/node-a.pem"   # this node's certificate, then any intermediates
            # peer_tls_key = "/etc/cairn/peer/node-a.key"    # unencrypted PEM key, mode 0600
            # peer_tls_ca = "/etc/cairn/peer/ca.pem"         # the cluster CA: only what it signed may be a peer
            # peer_tls_crl = "/etc/cairn/peer/crl.pem"       # optional CRLs of the CA; re-read when the file changes
            """;
}
