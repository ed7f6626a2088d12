package cairn.server.node;

import cairn.engine.crypto.Secret;
import cairn.engine.fs.FileSystem;
import cairn.engine.lsm.cache.DiskRangeCache;
import cairn.server.Version;
import cairn.server.admin.AdminRouter;
import cairn.server.admin.AdminServer;
import cairn.server.admin.AdminTls;
import cairn.server.admin.TokenFile;
import cairn.server.config.AdminConfig;
import cairn.server.config.CacheConfig;
import cairn.server.config.CairnConfig;
import cairn.server.config.HostPort;
import cairn.server.config.HaConfig;
import cairn.server.config.ListenerConfig;
import cairn.server.http.HttpEndpoint;
import cairn.server.logging.Logging;
import cairn.server.metrics.Metrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Cairn node: opens everything in order and closes it in reverse. Start order: metrics, admin
 * socket (refuses a second node on the same directory before anything else is touched), HTTP (live at once,
 * ready only later), volume, protocol servers; then the node is ready.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private final CairnConfig config;
    private final boolean readOnly;
    private final NodeStatus status = new NodeStatus();
    private final Metrics metrics = new Metrics(status);
    private final AdminRouter admin = new AdminRouter();
    private final Deque<Stage> stages = new ArrayDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private HttpEndpoint http;
    private VolumeStage volume;
    private volatile HaStage ha;
    private boolean closed;

    /** Something opened at start, closed at stop. */
    private record Stage(String name, AutoCloseable resource) {}

    private Node(CairnConfig config, boolean readOnly) {
        this.config = config;
        this.readOnly = readOnly;
    }

    /** The admin socket of a node with this config. */
    public static Path adminSocket(CairnConfig config) {
        return config.cache().dir().resolve("admin").resolve("admin.sock");
    }

    /** Starts a node; on failure everything opened so far is closed again and the exception propagates. */
    public static Node start(CairnConfig config, boolean readOnly) throws IOException {
        var node = new Node(config, readOnly);
        try {
            node.startStages();
        } catch (IOException | RuntimeException e) {
            node.status.phase(NodeStatus.Phase.FAILED, e.getMessage());
            node.close();
            throw e;
        }
        return node;
    }

    private void startStages() throws IOException {
        Logging.context(new Logging.Context(config.ha().map(HaConfig::nodeId).orElse(Logging.hostName()), this::role, status::epoch));
        log.info("cairn {} starting from {}{}", Version.get(), config.source(), readOnly ? " (read-only)" : "");
        Optional<NbdTls> nbdTls = NbdTls.load(config.source(), config.servers().nbdTls()); // bad files fail here, first
        stages.push(new Stage("metrics", metrics));
        admin.register("status", args -> statusMap());
        var adminServer = AdminServer.start(adminSocket(config), admin);
        stages.push(new Stage("admin socket", adminServer));
        log.info("admin socket at {}", adminServer.socket());
        if (config.admin().address().isPresent()) startAdminTcp(config.admin());
        VolumeCheck.register(admin, this::fileSystem);
        startHttp();
        Secret secret = Secrets.resolve(config.storage().key());
        DiskRangeCache diskCache = openDiskCache();
        if (config.ha().isPresent() && !readOnly) {
            ha = HaStage.start(config, config.ha().get(), nbdTls, secret, metrics, status, diskCache);
            stages.push(new Stage("HA volume", ha));
            NbdAdmin.register(admin, ha::fileSystem, ha::nbdExports);
            CheckpointAdmin.register(admin, ha::db, ha::notLeader);
            admin.register("failover", args -> ha.failover(args.values().get("to") instanceof String to && !to.isEmpty() ? to : null));
            status.phase(NodeStatus.Phase.SERVING, "");
            log.info("cairn ready as an HA node (standby until elected): {}", status.listeners());
            return;
        }
        volume = VolumeStage.open(config, readOnly, secret, metrics, status, diskCache);
        stages.push(new Stage("volume", volume));
        CheckpointAdmin.register(admin, volume.db());
        var servers = volume.startServers(config.servers(), nbdTls, readOnly, status);
        stages.push(new Stage("protocol servers", servers));
        FileSystem fs = volume.fileSystem();
        NbdAdmin.register(admin, () -> Optional.of(fs), servers::nbdExports);
        status.phase(NodeStatus.Phase.SERVING, "");
        log.info("cairn ready: {}", status.listeners());
    }

    /**
     * The disk cache of immutable object ranges ({@code [cache] disk_dir}, {@code disk_size_gb}; null at 0), shared by
     * every database this node opens (standby, leader after promotion). Closed after the volume.
     */
    private DiskRangeCache openDiskCache() {
        CacheConfig cache = config.cache();
        if (cache.diskBytes() == 0) return null;
        var disk = new DiskRangeCache(cache.diskDir(), cache.diskBytes(), config.storage().url());
        stages.push(new Stage("disk cache", disk));
        var c = disk.counters();
        log.info("disk cache at {}: {} of {} bytes used ({} ranges)", cache.diskDir(), c.bytes(), cache.diskBytes(), c.entries());
        return disk;
    }

    /** The TCP admin endpoint: token from its 0600 file, TLS when a certificate is configured. */
    private void startAdminTcp(AdminConfig config) throws IOException {
        String token = TokenFile.read(config.tokenFile().orElseThrow());
        SSLContext tls = config.tls().isPresent() ? adminTls(config.tls().get()) : null;
        var server = AdminServer.startTcp(config.address().orElseThrow().toSocketAddress(),
                token.getBytes(java.nio.charset.StandardCharsets.UTF_8), tls, admin);
        stages.push(new Stage("admin TCP endpoint", server));
        String where = new HostPort(server.tcpAddress().getHostString(), server.tcpAddress().getPort()).toString();
        status.addListener("admin", where);
        log.info("admin endpoint ({}) listening on {}", tls != null ? "TLS, token" : "token, no TLS", where);
    }

    /** The admin endpoint's TLS from its PEM files, checked like the NBD ones (key and file named on error). */
    private SSLContext adminTls(AdminConfig.Tls files) throws IOException {
        var pem = new PemFiles(this.config.source());
        List<X509Certificate> chain = pem.certificates("admin.tls_cert", files.certFile());
        PrivateKey key = pem.privateKey("admin.tls_key", files.keyFile());
        pem.checkPair("admin.tls_cert", chain.get(0), "admin.tls_key", files.keyFile(), key);
        return AdminTls.server(chain, key);
    }

    private void startHttp() throws IOException {
        if (config.servers().http().isEmpty()) return;
        ListenerConfig listener = config.servers().http().get();
        http = HttpEndpoint.start(listener.addresses(), metrics, status, () -> cairn.server.admin.Json.write(statusMap()));
        stages.push(new Stage("http", http));
        for (InetSocketAddress address : http.boundAddresses()) {
            String where = address.getHostString() + ":" + address.getPort();
            status.addListener("http", where);
            log.info("HTTP (metrics, health) listening on {}", where);
        }
    }

    public NodeStatus status() {
        return status;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The HTTP addresses actually bound (port 0 resolved); empty when HTTP is disabled. */
    public List<InetSocketAddress> httpAddresses() {
        return http == null ? List.of() : http.boundAddresses();
    }

    /** The open filesystem (tests, embedding); empty before the volume is open. */
    public Optional<FileSystem> fileSystem() {
        if (ha != null) return ha.fileSystem();
        return Optional.ofNullable(volume).map(VolumeStage::fileSystem);
    }

    /** What {@code cairn status} shows. */
    public Map<String, Object> statusMap() {
        var map = new LinkedHashMap<String, Object>();
        map.put("version", Version.get());
        map.put("phase", status.phase().name());
        map.put("detail", status.detail());
        map.put("ready", status.ready());
        map.put("leader", status.leader());
        map.put("role", role());
        map.put("read_only", readOnly);
        map.put("epoch", status.epoch());
        map.put("volume", status.volume());
        map.put("config", config.source());
        map.put("started_at", status.startedAt().toString());
        map.put("uptime_seconds", Duration.between(status.startedAt(), Instant.now()).toSeconds());
        map.put("listeners", status.listeners().stream()
                .map(l -> Map.<String, Object>of("service", l.service(), "address", l.address())).toList());
        if (ha != null) map.put("ha", haStatus());
        return map;
    }

    /** LEADER / STANDBY / ... on an HA node; LEADER, REPLICA ({@code --read-only}) or NONE (not serving) otherwise. */
    private String role() {
        HaStage current = ha;
        if (current != null) return current.role();
        return status.leader() ? "LEADER" : readOnly ? "REPLICA" : "NONE";
    }

    private Map<String, Object> haStatus() {
        var s = ha.roleStatus();
        var lag = ha.lag();
        var map = new LinkedHashMap<String, Object>();
        map.put("node_id", s.nodeId());
        map.put("role", s.role().name());
        map.put("own_epoch", s.ownEpoch());
        map.put("latest_epoch", s.latestEpoch());
        map.put("leader_node", s.leaderNodeId());
        map.put("leader_address", s.leaderClientAddress());
        map.put("term", s.term());
        map.put("elector", s.elector());
        map.put("lag_wal_objects", lag.walObjectsBehind());
        map.put("lag_ms", lag.msBehind());
        return map;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Graceful stop: not ready at once, then every stage closed in reverse start order. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (status.phase() != NodeStatus.Phase.FAILED) status.phase(NodeStatus.Phase.STOPPING, "");
        log.info("cairn stopping");
        while (!stages.isEmpty()) {
            Stage stage = stages.pop();
            try {
                stage.resource().close();
            } catch (Exception e) {
                log.warn("closing {} failed", stage.name(), e);
            }
        }
        if (status.phase() != NodeStatus.Phase.FAILED) status.phase(NodeStatus.Phase.STOPPED, "");
        log.info("cairn stopped");
        Logging.clearContext();
        stopped.countDown();
    }
}
