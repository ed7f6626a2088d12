package cairn.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.protocols.nfs.NfsExportOptions;
import cairn.server.logging.LogFormat;
import cairn.server.logging.LogLevel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private static final Path BASE = Path.of("/etc/cairn");
    private static final Map<String, String> ENV = Map.of("CAIRN_PASSWORD", "s3cret", "BUCKET", "vol-bucket");

    private static CairnConfig parse(String toml) {
        return new ConfigLoader(ENV).parse(toml, "test.toml", BASE);
    }

    private static String error(String toml) {
        return assertThrows(ConfigException.class, () -> parse(toml)).getMessage();
    }

    private static final String MINIMAL = """
            [storage]
            url = "file:///var/lib/cairn"
            password = "${CAIRN_PASSWORD}"
            [cache]
            dir = "/var/cache/cairn"
            """;

    @Test
    void fullConfigParsesIntoRecords() {
        var c = parse("""
                [storage]
                url = "s3://${BUCKET}/prefix"
                password = "${CAIRN_PASSWORD}"
                compression = "zstd-7"
                [cache]
                dir = "cache"
                disk_dir = "ranges"
                disk_size_gb = 2.5
                memory_size_gb = 1
                [servers.nfs]
                addresses = ["127.0.0.1:2049", "[::1]:2049"]
                [servers.ninep]
                addresses = ["127.0.0.1:5564"]
                unix_socket = "/run/cairn/9p.sock"
                [servers.nbd]
                addresses = []
                unix_socket = "nbd.sock"
                [aws]
                endpoint = "http://127.0.0.1:9000"
                region = "us-east-1"
                access_key_id = "ak"
                secret_access_key = "sk"
                path_style = true
                [engine]
                flush_interval_ms = 20
                memtable_mb = 32
                sync = true
                [filesystem]
                max_size_gb = 10
                extent_kb = 64
                [ha]
                node_id = "a"
                mode = "raft"
                raft_address = "10.0.0.1:7000"
                peers = ["10.0.0.1:7000", "10.0.0.2:7000"]
                """);
        assertEquals("s3://vol-bucket/prefix", c.storage().url());
        assertEquals(new KeySource.Password("s3cret"), c.storage().key());
        assertEquals(new Compression(Compression.Algorithm.ZSTD, 7), c.storage().compression());
        assertEquals(BASE.resolve("cache"), c.cache().dir());
        assertEquals(BASE.resolve("ranges"), c.cache().diskDir(), "relative to the config file");
        assertEquals((long) (2.5 * (1L << 30)), c.cache().diskBytes());
        assertEquals(1L << 30, c.cache().memoryBytes());
        assertEquals(List.of(new HostPort("127.0.0.1", 2049), new HostPort("::1", 2049)), c.servers().nfs().orElseThrow().addresses());
        assertEquals(Optional.of(Path.of("/run/cairn/9p.sock")), c.servers().ninep().orElseThrow().unixSocket());
        assertEquals(Optional.of(BASE.resolve("nbd.sock")), c.servers().nbd().orElseThrow().unixSocket());
        assertTrue(c.servers().http().isEmpty(), "a section left out disables the server");
        assertEquals(Optional.of("http://127.0.0.1:9000"), c.aws().endpoint());
        assertTrue(c.aws().pathStyle());
        assertEquals(new EngineConfig(20, 32L << 20, true), c.engine());
        assertEquals(new FilesystemConfig(10L << 30, 64 << 10), c.filesystem());
        var ha = c.ha().orElseThrow();
        assertEquals(HaConfig.Mode.RAFT, ha.mode());
        assertEquals(2, ha.peers().size());
        assertEquals(1000, ha.electionTimeoutMs());
    }

    @Test
    void defaultsApplyToOptionalSections() {
        var c = parse(MINIMAL);
        assertEquals(Compression.LZ4, c.storage().compression());
        assertEquals(Path.of("/var/cache/cairn/ranges"), c.cache().diskDir());
        assertEquals(10L << 30, c.cache().diskBytes());
        assertEquals(EngineConfig.DEFAULT, c.engine());
        assertEquals(FilesystemConfig.DEFAULT, c.filesystem());
        assertEquals(AwsConfig.DEFAULT, c.aws());
        assertTrue(c.ha().isEmpty());
        assertTrue(c.servers().nfs().isEmpty());
    }

    @Test
    void relativePathsResolveAgainstTheConfigDirectory() {
        var c = parse("""
                [storage]
                url = "file://data"
                key_file = "key"
                [cache]
                dir = "../cache"
                """);
        assertEquals("file:///etc/cairn/data", c.storage().url());
        assertEquals(new KeySource.KeyFile(Path.of("/etc/cairn/key"), false), c.storage().key());
        assertEquals(Path.of("/etc/cache"), c.cache().dir());
    }

    @Test
    void unknownKeyNamesKeyAndLine() {
        String msg = error(MINIMAL + """
                [servers.nfs]
                addresses = ["127.0.0.1:2049"]
                adresses = ["127.0.0.1:2050"]
                """);
        assertEquals("test.toml:8: servers.nfs.adresses: unknown key", msg);
    }

    @Test
    void unknownSectionIsAnError() {
        assertEquals("test.toml:6: serverz: unknown key (table)", error(MINIMAL + "[serverz.nfs]\naddresses = []\n"));
        assertEquals("test.toml:8: servers.smb: unknown key (table)",
                error(MINIMAL + "[servers.http]\naddresses = [\"127.0.0.1:1\"]\n[servers.smb]\nx = 1\n"));
    }

    @Test
    void missingEnvironmentVariableIsAClearError() {
        String msg = error(MINIMAL.replace("${CAIRN_PASSWORD}", "${NOPE_NOT_SET}"));
        assertEquals("test.toml:3: storage.password: environment variable NOPE_NOT_SET is not set", msg);
    }

    @Test
    void dollarDollarIsALiteralDollar() {
        var c = parse(MINIMAL.replace("${CAIRN_PASSWORD}", "pa$$word${CAIRN_PASSWORD}"));
        assertEquals(new KeySource.Password("pa$words3cret"), c.storage().key());
        assertTrue(error(MINIMAL.replace("${CAIRN_PASSWORD}", "${BAD-NAME}")).contains("not a valid environment variable reference"));
    }

    @Test
    void wrongTypesAndRangesAreRejected() {
        assertEquals("test.toml:6: cache.disk_size_gb: must be a number, not a string",
                error(MINIMAL + "disk_size_gb = \"ten\"\n"));
        assertEquals("test.toml:6: cache.memory_size_gb: -1 is not in 0..4096",
                error(MINIMAL + "memory_size_gb = -1\n"));
        assertEquals("test.toml:7: servers.http.addresses: must be an array of strings, not a string",
                error(MINIMAL + "[servers.http]\naddresses = \"127.0.0.1:9464\"\n"));
        assertEquals("test.toml:7: servers.http.addresses: 'localhost' is not host:port (IPv6 needs [addr]:port)",
                error(MINIMAL + "[servers.http]\naddresses = [\"localhost\"]\n"));
        assertEquals("test.toml:7: servers.http.addresses: port 70000 is not in 0..65535",
                error(MINIMAL + "[servers.http]\naddresses = [\"127.0.0.1:70000\"]\n"));
        assertEquals("test.toml:7: engine.sync: must be true or false, not a string",
                error(MINIMAL + "[engine]\nsync = \"yes\"\n"));
        assertEquals("test.toml:7: filesystem.extent_kb: 48 is not a power of two (4, 8, ..., 1024)",
                error(MINIMAL + "[filesystem]\nextent_kb = 48\n"));
        assertEquals("test.toml:4: storage.compression: zstd level 22 is not in 1..19",
                error(MINIMAL.replace("[cache]", "compression = \"zstd-22\"\n[cache]")));
        assertTrue(error(MINIMAL.replace("file:///var/lib/cairn", "ftp://x")).contains("must start with file://, s3:// or memory://"));
        assertTrue(error(MINIMAL.replace("file:///var/lib/cairn", "s3://Bad_Bucket")).contains("not a valid S3 bucket name"));
    }

    @Test
    void unixSocketOnlyWhereSupported() {
        assertEquals("test.toml:8: servers.nfs.unix_socket: unknown key",
                error(MINIMAL + "[servers.nfs]\naddresses = [\"127.0.0.1:2049\"]\nunix_socket = \"/tmp/x\"\n"));
    }

    @Test
    void requiredKeysAndPasswordRules() {
        assertEquals("test.toml: storage: required key is missing", error("[cache]\ndir = \"/c\"\n"));
        assertEquals("test.toml: cache.dir: required key is missing in [cache]",
                error(MINIMAL.replace("dir = \"/var/cache/cairn\"", "")));
        assertTrue(error(MINIMAL.replace("password = \"${CAIRN_PASSWORD}\"", "")).contains("set password or key_file"));
        assertTrue(error(MINIMAL.replace("[cache]", "key_file = \"/k\"\n[cache]")).contains("set either password or key_file, not both"));
        assertTrue(error(MINIMAL + "[servers.nfs]\naddresses = []\n").contains("no address to listen on"));
    }

    @Test
    void haValidation() {
        assertEquals("test.toml: ha.raft_address: required key is missing in [ha]",
                error(MINIMAL + "[ha]\nnode_id = \"a\"\npeers = [\"10.0.0.1:7000\"]\n"));
        assertTrue(error(MINIMAL + "[ha]\nnode_id = \"a\"\nraft_address = \"10.0.0.1:7000\"\npeers = [\"10.0.0.2:7000\"]\n")
                .contains("must include this node's raft_address"));
        assertTrue(error(MINIMAL + "[ha]\nnode_id = \"a\"\nmode = \"paxos\"\n").contains("must be \"raft\" or \"lease\""));
        var lease = parse(MINIMAL + "[ha]\nnode_id = \"a\"\nmode = \"lease\"\nlease_ms = 5000\n").ha().orElseThrow();
        assertEquals(HaConfig.Mode.LEASE, lease.mode());
        assertEquals(5000, lease.leaseMs());
        assertTrue(error(MINIMAL + "[ha]\nnode_id = \"a\"\nmode = \"lease\"\nlease_ms = 5\n").contains("5 is not in 1000..600000"));
    }

    @Test
    void peerTlsFilesGoTogetherInRaftModeOnlyAndTheCrlNeedsThem() {
        String raft = MINIMAL + "[ha]\nnode_id = \"a\"\nraft_address = \"10.0.0.1:7000\"\npeers = [\"10.0.0.1:7000\"]\n";
        assertTrue(parse(raft).ha().orElseThrow().peerTls().isEmpty());
        var tls = parse(raft + "peer_tls_cert = \"tls/a.pem\"\npeer_tls_key = \"tls/a.key\"\npeer_tls_ca = \"/etc/ca.pem\"\n")
                .ha().orElseThrow().peerTls().orElseThrow();
        assertEquals(new HaConfig.PeerTlsFiles(BASE.resolve("tls/a.pem"), BASE.resolve("tls/a.key"), Path.of("/etc/ca.pem"),
                Optional.empty()), tls);
        var withCrl = parse(raft + "peer_tls_cert = \"a.pem\"\npeer_tls_key = \"a.key\"\npeer_tls_ca = \"ca.pem\"\npeer_tls_crl = \"crl.pem\"\n")
                .ha().orElseThrow().peerTls().orElseThrow();
        assertEquals(Optional.of(BASE.resolve("crl.pem")), withCrl.crl());
        assertEquals("test.toml:10: ha.peer_tls_crl: needs peer_tls_cert, peer_tls_key and peer_tls_ca",
                error(raft + "peer_tls_crl = \"crl.pem\"\n"));
        assertEquals("test.toml: ha.peer_tls_ca: peer_tls_cert, peer_tls_key and peer_tls_ca go together",
                error(raft + "peer_tls_cert = \"a.pem\"\npeer_tls_key = \"a.key\"\n"));
        assertTrue(error(MINIMAL + "[ha]\nnode_id = \"a\"\nmode = \"lease\"\npeer_tls_cert = \"a\"\npeer_tls_key = \"b\"\npeer_tls_ca = \"c\"\n")
                .contains("ha.peer_tls_cert: only used in raft mode"));
    }

    @Test
    void tomlSyntaxErrorsCarryTheLine() {
        assertTrue(error(MINIMAL + "[engine\n").startsWith("test.toml:6: TOML syntax error"));
    }

    @Test
    void secretsAreNotPrinted() {
        var c = parse(MINIMAL + "[aws]\naccess_key_id = \"AK\"\nsecret_access_key = \"SUPERSECRET\"\n");
        assertTrue(!c.toString().contains("s3cret") && !c.toString().contains("SUPERSECRET"), c.toString());
    }

    @Test
    void nfsExportOptions() {
        String nfs = MINIMAL + "[servers.nfs]\naddresses = [\"0.0.0.0:2049\"]\n";
        assertEquals(NfsExportOptions.DEFAULT, parse(nfs).servers().nfsExport());
        var export = parse(nfs + "read_only = true\nroot_squash = true\nanon_uid = 1000\nanon_gid = 1001\n"
                + "allowed_networks = [\"10.0.0.0/8\", \"192.168.1.7\", \"fd00::/8\"]\n").servers().nfsExport();
        assertTrue(export.readOnly());
        assertEquals(NfsExportOptions.Squash.ROOT, export.squash());
        assertEquals(1000, export.anonUid());
        assertEquals(1001, export.anonGid());
        assertEquals("[10.0.0.0/8, 192.168.1.7/32, fd00:0:0:0:0:0:0:0/8]", export.allowedClients().toString());
        assertEquals(NfsExportOptions.Squash.ALL, parse(nfs + "all_squash = true\n").servers().nfsExport().squash());
        assertEquals("test.toml:9: servers.nfs.allowed_networks: '10.0.0.0/33' is not a network (an address such as 10.0.0.7, or 10.0.0.0/8, fd00::/8)",
                error(nfs + "\nallowed_networks = [\"10.0.0.0/33\"]\n"));
        assertTrue(error(nfs + "allowed_networks = [\"nfs.example.com\"]\n").contains("'nfs.example.com' is not a network"));
        assertEquals("test.toml:8: servers.nfs.allowed_networks: empty: no client could mount (leave the key out to allow every client)",
                error(nfs + "allowed_networks = []\n"));
        assertEquals("test.toml:9: servers.nfs.all_squash: root_squash and all_squash exclude each other (all_squash already maps root)",
                error(nfs + "root_squash = true\nall_squash = true\n"));
        assertEquals("test.toml:8: servers.nfs.anon_uid: -2 is not in 0..2147483647", error(nfs + "anon_uid = -2\n"));
        assertEquals("test.toml:8: servers.nfs.rootsquash: unknown key", error(nfs + "rootsquash = true\n"));
        assertEquals("test.toml:8: servers.nbd.read_only: unknown key",
                error(MINIMAL + "[servers.nbd]\naddresses = [\"127.0.0.1:0\"]\nread_only = true\n"));
    }

    @Test
    void nbdTlsKeys() {
        String nbd = MINIMAL + "[servers.nbd]\naddresses = [\"0.0.0.0:10809\"]\n";
        assertTrue(parse(nbd).servers().nbdTls().isEmpty(), "tls defaults to off");
        assertTrue(parse(nbd + "tls = \"off\"\n").servers().nbdTls().isEmpty());
        assertEquals(new NbdTlsConfig(true, BASE.resolve("tls/nbd.pem"), BASE.resolve("tls/nbd-key.pem"), Optional.empty()),
                parse(nbd + "tls = \"required\"\ntls_cert = \"tls/nbd.pem\"\ntls_key = \"tls/nbd-key.pem\"\n").servers().nbdTls().orElseThrow());
        assertEquals(new NbdTlsConfig(false, Path.of("/c.pem"), Path.of("/k.pem"), Optional.of(BASE.resolve("clients-ca.pem"))),
                parse(nbd + "tls = \"optional\"\ntls_cert = \"/c.pem\"\ntls_key = \"/k.pem\"\ntls_ca = \"clients-ca.pem\"\n")
                        .servers().nbdTls().orElseThrow());
        assertEquals("test.toml:8: servers.nbd.tls: tls = \"required\" needs tls_cert and tls_key (PEM certificate chain and private key)",
                error(nbd + "tls = \"required\"\n"));
        assertEquals("test.toml:9: servers.nbd.tls_cert: tls_cert and tls_key go together",
                error(nbd + "tls = \"optional\"\ntls_cert = \"c.pem\"\n"));
        assertEquals("test.toml:8: servers.nbd.tls: 'on' must be \"off\", \"optional\" or \"required\"",
                error(nbd + "tls = \"on\"\ntls_cert = \"c.pem\"\ntls_key = \"k.pem\"\n"));
        assertEquals("test.toml:8: servers.nbd.tls_cert: only used with tls = \"optional\" or \"required\" (tls is \"off\")",
                error(nbd + "tls_cert = \"c.pem\"\ntls_key = \"k.pem\"\n"));
        assertEquals("test.toml:8: servers.nbd.tls_ca: only used with tls = \"optional\" or \"required\" (tls is \"off\")",
                error(nbd + "tls_ca = \"ca.pem\"\n"));
        assertEquals("test.toml:8: servers.nbd.tls_verify: unknown key", error(nbd + "tls_verify = true\n"));
    }

    @Test
    void logSection() {
        assertEquals(LogConfig.DEFAULT, parse(MINIMAL).log());
        assertEquals(new LogConfig(LogFormat.JSON, LogLevel.DEBUG), parse(MINIMAL + "[log]\nformat = \"json\"\nlevel = \"debug\"\n").log());
        assertEquals("test.toml:7: log.format: 'xml' is not a log format (\"text\" or \"json\")", error(MINIMAL + "[log]\nformat = \"xml\"\n"));
        assertEquals("test.toml:7: log.level: 'loud' is not a log level (trace, debug, info, warn, error)", error(MINIMAL + "[log]\nlevel = \"loud\"\n"));
    }

    @Test
    void adminSection() {
        assertEquals(AdminConfig.DEFAULT, parse(MINIMAL).admin());
        var admin = parse(MINIMAL + "[admin]\naddress = \"10.0.0.5:9465\"\ntoken_file = \"admin.token\"\n"
                + "tls_cert = \"tls/cert.pem\"\ntls_key = \"tls/key.pem\"\n").admin();
        assertEquals(new HostPort("10.0.0.5", 9465), admin.address().orElseThrow());
        assertEquals(BASE.resolve("admin.token"), admin.tokenFile().orElseThrow());
        assertEquals(new AdminConfig.Tls(BASE.resolve("tls/cert.pem"), BASE.resolve("tls/key.pem")), admin.tls().orElseThrow());
        assertTrue(parse(MINIMAL + "[admin]\naddress = \"127.0.0.1:9465\"\ntoken_file = \"t\"\n").admin().tls().isEmpty(),
                "loopback without TLS is allowed");
        assertEquals("test.toml:7: admin.address: 10.0.0.5:9465 is not a loopback address: set tls_cert and tls_key (the token must not cross a network in clear)",
                error(MINIMAL + "[admin]\naddress = \"10.0.0.5:9465\"\ntoken_file = \"t\"\n"));
        assertEquals("test.toml:7: admin.address: an admin address needs token_file (the bearer token clients must present)",
                error(MINIMAL + "[admin]\naddress = \"127.0.0.1:9465\"\n"));
        assertEquals("test.toml:9: admin.tls_cert: tls_cert and tls_key go together",
                error(MINIMAL + "[admin]\naddress = \"127.0.0.1:9465\"\ntoken_file = \"t\"\ntls_cert = \"c\"\n"));
        assertEquals("test.toml:7: admin.token_file: only used with address (the TCP admin endpoint)",
                error(MINIMAL + "[admin]\ntoken_file = \"t\"\n"));
    }
}
