package cairn.server.config;

import cairn.protocols.nfs.Cidr;
import cairn.protocols.nfs.NfsExportOptions;
import cairn.server.logging.LogFormat;
import cairn.server.logging.LogLevel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

/**
 * Reads a TOML config file into a {@link CairnConfig}. Relative paths (cache dir, key file, sockets,
 * {@code file://} URLs) are resolved against the directory of the config file. See docs/configuration.md.
 */
public final class ConfigLoader {
    private static final long GIB = 1L << 30;
    private static final int CONFIG_BYTES_MAX = 1 << 20;

    private final Map<String, String> env;
    private final boolean keepMissingVariables;

    public ConfigLoader(Map<String, String> env) {
        this(env, false);
    }

    private ConfigLoader(Map<String, String> env, boolean keepMissingVariables) {
        this.env = Map.copyOf(env);
        this.keepMissingVariables = keepMissingVariables;
    }

    public static CairnConfig load(Path file) {
        return new ConfigLoader(System.getenv()).read(file);
    }

    /**
     * For commands that only need to find a running node (its admin socket): an unset {@code ${VAR}} stays as
     * written instead of failing, so {@code cairn status} works without the node's secrets in the environment.
     */
    public static CairnConfig loadForLocating(Path file) {
        return new ConfigLoader(System.getenv(), true).read(file);
    }

    public CairnConfig read(Path file) {
        String text;
        try {
            if (Files.size(file) > CONFIG_BYTES_MAX) throw new ConfigException(file + ": larger than 1 MiB, not a config file");
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file (write one with `cairn init " + file + "`)");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        Path dir = file.toAbsolutePath().normalize().getParent();
        return parse(text, file.toString(), dir);
    }

    /** Parses config text; {@code baseDir} resolves relative paths. */
    public CairnConfig parse(String text, String source, Path baseDir) {
        TomlParseResult toml = Toml.parse(text);
        if (toml.hasErrors()) {
            var e = toml.errors().get(0);
            throw new ConfigException(source + ":" + e.position().line() + ": TOML syntax error: " + e.getMessage());
        }
        var root = new Section(source, toml, "", new EnvSubstitution(env, keepMissingVariables));
        var paths = new PathResolver(baseDir);

        Section storageSection = root.table("storage").orElseThrow(() -> root.missing("storage"));
        StorageConfig storage = storage(storageSection, paths);
        Section cacheSection = root.table("cache").orElseThrow(() -> root.missing("cache"));
        CacheConfig cache = cache(cacheSection, paths);
        ServersConfig servers = root.table("servers").map(s -> servers(s, paths))
                .orElse(new ServersConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
        AwsConfig aws = root.table("aws").map(ConfigLoader::aws).orElse(AwsConfig.DEFAULT);
        Optional<HaConfig> ha = root.table("ha").map(s -> ha(s, paths));
        EngineConfig engine = root.table("engine").map(ConfigLoader::engine).orElse(EngineConfig.DEFAULT);
        FilesystemConfig filesystem = root.table("filesystem").map(ConfigLoader::filesystem).orElse(FilesystemConfig.DEFAULT);
        LogConfig log = root.table("log").map(ConfigLoader::log).orElse(LogConfig.DEFAULT);
        AdminConfig admin = root.table("admin").map(s -> admin(s, paths)).orElse(AdminConfig.DEFAULT);
        root.finish();
        return new CairnConfig(source, storage, cache, servers, aws, ha, engine, filesystem, log, admin);
    }

    private static StorageConfig storage(Section s, PathResolver paths) {
        String url = s.requiredString("url");
        url = checkUrl(s, url, paths);
        Optional<String> password = s.optString("password");
        Optional<String> keyFile = s.optString("key_file");
        KeySource key;
        if (password.isPresent() && keyFile.isPresent()) throw s.error("key_file", "set either password or key_file, not both");
        if (password.isPresent()) {
            if (password.get().isEmpty()) throw s.error("password", "must not be empty");
            key = new KeySource.Password(password.get());
        } else if (keyFile.isPresent()) {
            key = new KeySource.KeyFile(paths.resolve(keyFile.get()), false);
        } else {
            throw new ConfigException(s.missing("password").getMessage() + " (set password or key_file)");
        }
        Compression compression;
        String compressionText = s.string("compression", "lz4");
        try {
            compression = Compression.parse(compressionText);
        } catch (IllegalArgumentException e) {
            throw s.error("compression", e.getMessage());
        }
        s.finish();
        return new StorageConfig(url, key, compression);
    }

    private static String checkUrl(Section s, String url, PathResolver paths) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("memory://")) return url;
        if (lower.startsWith("s3://")) {
            String rest = url.substring("s3://".length());
            String bucket = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw s.error("url", "'" + bucket + "' is not a valid S3 bucket name (s3://bucket/prefix)");
            }
            return url;
        }
        if (lower.startsWith("file://")) {
            String path = url.substring("file://".length());
            if (path.isEmpty()) throw s.error("url", "file:// needs a directory, e.g. file:///var/lib/cairn");
            return "file://" + paths.resolve(path);
        }
        throw s.error("url", "'" + url + "' must start with file://, s3:// or memory://");
    }

    private static CacheConfig cache(Section s, PathResolver paths) {
        Path dir = paths.resolve(s.requiredString("dir"));
        Path diskDir = s.optString("disk_dir").map(paths::resolve).orElse(CacheConfig.defaultDiskDir(dir));
        long disk = (long) (s.number("disk_size_gb", 10, 0, 1 << 20) * GIB);
        long memory = (long) (s.number("memory_size_gb", 1, 0, 1 << 12) * GIB);
        s.finish();
        return new CacheConfig(dir, diskDir, disk, memory);
    }

    private static ServersConfig servers(Section s, PathResolver paths) {
        Optional<Section> nfsSection = s.table("nfs");
        var nfs = nfsSection.map(t -> listener(t, paths, false));
        NfsExportOptions export = nfsSection.map(ConfigLoader::nfsExport).orElse(NfsExportOptions.DEFAULT);
        nfsSection.ifPresent(Section::finish);
        var ninep = s.table("ninep").map(t -> finished(t, listener(t, paths, true)));
        Optional<Section> nbdSection = s.table("nbd");
        var nbd = nbdSection.map(t -> listener(t, paths, true));
        Optional<NbdTlsConfig> nbdTls = nbdSection.flatMap(t -> nbdTls(t, paths));
        nbdSection.ifPresent(Section::finish);
        var http = s.table("http").map(t -> finished(t, listener(t, paths, false)));
        s.finish();
        return new ServersConfig(nfs, ninep, nbd, http, export, nbdTls);
    }

    private static <T> T finished(Section s, T value) {
        s.finish();
        return value;
    }

    /** The NFS export options in {@code [servers.nfs]}, named as in exports(5). */
    private static NfsExportOptions nfsExport(Section s) {
        boolean readOnly = s.bool("read_only", false);
        boolean rootSquash = s.bool("root_squash", false);
        boolean allSquash = s.bool("all_squash", false);
        if (rootSquash && allSquash) throw s.error("all_squash", "root_squash and all_squash exclude each other (all_squash already maps root)");
        int anonUid = (int) s.integer("anon_uid", NfsExportOptions.DEFAULT.anonUid(), 0, Integer.MAX_VALUE);
        int anonGid = (int) s.integer("anon_gid", NfsExportOptions.DEFAULT.anonGid(), 0, Integer.MAX_VALUE);
        List<Cidr> networks = NfsExportOptions.DEFAULT.allowedClients();
        if (s.has("allowed_networks")) {
            List<String> texts = s.strings("allowed_networks");
            if (texts.isEmpty()) throw s.error("allowed_networks", "empty: no client could mount (leave the key out to allow every client)");
            networks = new ArrayList<>();
            for (String text : texts) networks.add(network(s, text));
        }
        var squash = allSquash ? NfsExportOptions.Squash.ALL : rootSquash ? NfsExportOptions.Squash.ROOT : NfsExportOptions.Squash.NONE;
        return new NfsExportOptions(readOnly, squash, anonUid, anonGid, networks);
    }

    /**
     * {@code tls}, {@code tls_cert}, {@code tls_key} and {@code tls_ca} of {@code [servers.nbd]}. Whether the
     * files exist and hold what they should is checked when the node starts (a config may be read by commands
     * that cannot read the key, such as {@code cairn status}).
     */
    private static Optional<NbdTlsConfig> nbdTls(Section s, PathResolver paths) {
        String mode = s.string("tls", "off");
        Optional<Path> cert = s.optString("tls_cert").map(paths::resolve);
        Optional<Path> key = s.optString("tls_key").map(paths::resolve);
        Optional<Path> ca = s.optString("tls_ca").map(paths::resolve);
        if (cert.isPresent() != key.isPresent()) throw s.error(cert.isPresent() ? "tls_cert" : "tls_key", "tls_cert and tls_key go together");
        switch (mode) {
            case "off" -> {
                if (cert.isPresent() || ca.isPresent()) {
                    throw s.error(cert.isPresent() ? "tls_cert" : "tls_ca", "only used with tls = \"optional\" or \"required\" (tls is \"off\")");
                }
                return Optional.empty();
            }
            case "optional", "required" -> { }
            default -> throw s.error("tls", "'" + mode + "' must be \"off\", \"optional\" or \"required\"");
        }
        if (cert.isEmpty()) throw s.error("tls", "tls = \"" + mode + "\" needs tls_cert and tls_key (PEM certificate chain and private key)");
        return Optional.of(new NbdTlsConfig(mode.equals("required"), cert.get(), key.orElseThrow(), ca));
    }

    private static Cidr network(Section s, String text) {
        try {
            return Cidr.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw s.error("allowed_networks", "'" + text + "' is not a network (an address such as 10.0.0.7, or 10.0.0.0/8, fd00::/8)");
        }
    }

    private static LogConfig log(Section s) {
        LogFormat format;
        LogLevel level;
        try {
            format = LogFormat.parse(s.string("format", "text"));
        } catch (IllegalArgumentException e) {
            throw s.error("format", e.getMessage());
        }
        try {
            level = LogLevel.parse(s.string("level", "info"));
        } catch (IllegalArgumentException e) {
            throw s.error("level", e.getMessage());
        }
        s.finish();
        return new LogConfig(format, level);
    }

    private static AdminConfig admin(Section s, PathResolver paths) {
        Optional<HostPort> address = s.optString("address").map(a -> hostPort(s, "address", a));
        Optional<Path> tokenFile = s.optString("token_file").map(paths::resolve);
        Optional<Path> cert = s.optString("tls_cert").map(paths::resolve);
        Optional<Path> key = s.optString("tls_key").map(paths::resolve);
        if (cert.isPresent() != key.isPresent()) throw s.error(cert.isPresent() ? "tls_cert" : "tls_key", "tls_cert and tls_key go together");
        if (address.isPresent() && tokenFile.isEmpty()) {
            throw s.error("address", "an admin address needs token_file (the bearer token clients must present)");
        }
        if (address.isEmpty() && (tokenFile.isPresent() || cert.isPresent())) {
            throw s.error(tokenFile.isPresent() ? "token_file" : "tls_cert", "only used with address (the TCP admin endpoint)");
        }
        if (address.isPresent() && cert.isEmpty() && !loopback(address.get().host())) {
            throw s.error("address", address.get() + " is not a loopback address: set tls_cert and tls_key (the token must not cross a network in clear)");
        }
        s.finish();
        return new AdminConfig(address, tokenFile, cert.map(c -> new AdminConfig.Tls(c, key.orElseThrow())));
    }

    private static boolean loopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    private static ListenerConfig listener(Section s, PathResolver paths, boolean unixSocketAllowed) {
        var addresses = new ArrayList<HostPort>();
        for (String text : s.strings("addresses")) {
            try {
                addresses.add(HostPort.parse(text));
            } catch (IllegalArgumentException e) {
                throw s.error("addresses", e.getMessage());
            }
        }
        Optional<Path> socket = Optional.empty();
        if (unixSocketAllowed) socket = s.optString("unix_socket").map(paths::resolve);
        if (addresses.isEmpty() && socket.isEmpty()) {
            throw s.error("addresses", "no address to listen on (leave the whole [" + s.path() + "] section out to disable it)");
        }
        return new ListenerConfig(addresses, socket);
    }

    private static AwsConfig aws(Section s) {
        Optional<String> endpoint = s.optString("endpoint");
        // A custom endpoint (MinIO, Ceph, s3proxy) almost always wants path-style addressing.
        var config = new AwsConfig(endpoint, s.optString("region"), s.optString("access_key_id"),
                s.optString("secret_access_key"), s.bool("path_style", endpoint.isPresent()));
        if (config.accessKeyId().isPresent() != config.secretAccessKey().isPresent()) {
            throw s.error(config.accessKeyId().isPresent() ? "access_key_id" : "secret_access_key",
                    "access_key_id and secret_access_key go together");
        }
        config.endpoint().ifPresent(e -> {
            if (!e.startsWith("http://") && !e.startsWith("https://")) throw s.error("endpoint", "must be an http:// or https:// URL");
        });
        s.finish();
        return config;
    }

    private static HaConfig ha(Section s, PathResolver paths) {
        String nodeId = s.requiredString("node_id");
        if (!nodeId.matches("[A-Za-z0-9._-]{1,64}")) throw s.error("node_id", "must be 1-64 of A-Z a-z 0-9 . _ -");
        HaConfig.Mode mode = switch (s.string("mode", "raft")) {
            case "raft" -> HaConfig.Mode.RAFT;
            case "lease" -> HaConfig.Mode.LEASE;
            default -> throw s.error("mode", "must be \"raft\" or \"lease\"");
        };
        Optional<HostPort> raftAddress = s.optString("raft_address").map(a -> hostPort(s, "raft_address", a));
        List<HaConfig.Peer> peers = s.strings("peers").stream().map(a -> peer(s, a)).toList();
        if (mode == HaConfig.Mode.RAFT) {
            if (raftAddress.isEmpty()) throw s.missing("raft_address");
            if (peers.isEmpty()) throw s.error("peers", "raft mode needs the raft addresses of every member");
            if (peers.stream().noneMatch(p -> p.raftAddress().equals(raftAddress.get()))) {
                throw s.error("peers", "must include this node's raft_address " + raftAddress.get());
            }
            if (peers.stream().map(HaConfig.Peer::nodeId).distinct().count() != peers.size()) {
                throw s.error("peers", "node ids must be unique");
            }
        }
        long electionTimeoutMs = s.integer("election_timeout_ms", 1000, 100, 60_000);
        long leaseMs = s.integer("lease_ms", 3000, 1000, 600_000);
        long graceMs = s.integer("grace_ms", 1000, 0, 600_000);
        long pollIntervalMs = s.integer("poll_interval_ms", 200, 10, 60_000);
        if (pollIntervalMs >= Math.max(electionTimeoutMs, leaseMs)) {
            throw s.error("poll_interval_ms", "must be shorter than election_timeout_ms and lease_ms");
        }
        long storeTimeoutMs = s.integer("store_timeout_ms", 5000, 100, 600_000);
        if (storeTimeoutMs <= pollIntervalMs) throw s.error("store_timeout_ms", "must be longer than poll_interval_ms");
        var config = new HaConfig(nodeId, mode, raftAddress, peers, electionTimeoutMs, leaseMs, graceMs, pollIntervalMs,
                storeTimeoutMs, s.optString("on_promote"), s.optString("on_demote"), peerTls(s, mode, paths));
        s.finish();
        return config;
    }

    /**
     * The three peer TLS files go together, in raft mode only, and the optional CRL needs them; their content is
     * checked when the node starts.
     */
    private static Optional<HaConfig.PeerTlsFiles> peerTls(Section s, HaConfig.Mode mode, PathResolver paths) {
        List<String> keys = List.of("peer_tls_cert", "peer_tls_key", "peer_tls_ca");
        List<Optional<Path>> files = keys.stream().map(k -> s.optString(k).map(paths::resolve)).toList();
        Optional<Path> crl = s.optString("peer_tls_crl").map(paths::resolve);
        long set = files.stream().filter(Optional::isPresent).count();
        if (set == 0) {
            if (crl.isPresent()) throw s.error("peer_tls_crl", "needs peer_tls_cert, peer_tls_key and peer_tls_ca");
            return Optional.empty();
        }
        if (set < keys.size()) {
            String missing = keys.get(files.indexOf(Optional.<Path>empty()));
            throw s.error(missing, "peer_tls_cert, peer_tls_key and peer_tls_ca go together");
        }
        if (mode != HaConfig.Mode.RAFT) throw s.error("peer_tls_cert", "only used in raft mode (lease mode has no peer channel)");
        return Optional.of(new HaConfig.PeerTlsFiles(files.get(0).get(), files.get(1).get(), files.get(2).get(), crl));
    }

    private static HaConfig.Peer peer(Section s, String text) {
        int at = text.indexOf('@');
        HostPort address = hostPort(s, "peers", at < 0 ? text : text.substring(at + 1));
        String id = at < 0 ? address.toString() : text.substring(0, at);
        if (!id.matches("[A-Za-z0-9._:\\[\\]-]{1,64}")) throw s.error("peers", "bad node id '" + id + "'");
        return new HaConfig.Peer(id, address);
    }

    private static HostPort hostPort(Section s, String key, String text) {
        try {
            return HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw s.error(key, e.getMessage());
        }
    }

    private static EngineConfig engine(Section s) {
        var config = new EngineConfig(s.integer("flush_interval_ms", EngineConfig.DEFAULT.flushIntervalMs(), 1, 60_000),
                s.integer("memtable_mb", EngineConfig.DEFAULT.memtableBytes() >> 20, 1, 65_536) << 20,
                s.bool("sync", false));
        s.finish();
        return config;
    }

    private static FilesystemConfig filesystem(Section s) {
        long maxSizeGb = s.integer("max_size_gb", FilesystemConfig.DEFAULT.maxSizeBytes() / GIB, 1, 1L << 24);
        long extentKb = s.integer("extent_kb", FilesystemConfig.DEFAULT.extentBytes() >> 10, 4, 1024);
        if (Long.bitCount(extentKb) != 1) throw s.error("extent_kb", extentKb + " is not a power of two (4, 8, ..., 1024)");
        s.finish();
        return new FilesystemConfig(maxSizeGb * GIB, (int) extentKb << 10);
    }

    /** Resolves relative paths against the config file's directory. */
    private record PathResolver(Path baseDir) {
        Path resolve(String path) {
            return baseDir.resolve(path).normalize();
        }
    }
}
