package cairn.bench.failover;

import cairn.chaos.s3.FaultPlan;
import cairn.chaos.s3.FaultRule;
import cairn.chaos.s3.S3FaultProxy;
import cairn.engine.store.S3ProxyFixture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Failover benchmark: a local three-node raft cluster ({@code cairn run} processes on loopback ports, one
 * store), a client writing 4 KiB blocks + FLUSH through NBD to the leader, and N SIGKILLs of the leader (each
 * killed node restarted as a standby). After each failover every acknowledged write is read back.
 * Failover time = from the kill to the first acknowledged write on the new leader.
 *
 * <p>The writer starts at most {@code --rate} writes per second (default 50, a small database's commit rate;
 * 0 = as fast as the leader acknowledges, which saturates a 2-core host running all three nodes).
 *
 * <p>Before each kill the cluster settles for {@code --settle-ms} (default 15 s) after the restarted node is
 * ready: a JVM that has just started compiles and replays on every core, and killing the leader then measures
 * the host's CPU starvation (raft heartbeats late, leaders stepping down) rather than the failover path.
 * {@code --settle-ms 0} kills as soon as the restarted node is ready and 50 more writes are acknowledged.
 *
 * <p>Usage: {@code FailoverBench --jar server/target/cairn.jar [--runs N] [--store file|s3proxy] [--latency-ms 50]
 * [--settle-ms MS] [--rate N] [--election-ms MS]}
 * ({@code --election-ms}: the nodes' {@code [ha] election_timeout_ms}, default the server's default).
 * The last line of output is {@code failover runs=N p50=..ms p99=..ms max=..ms lost=..}.
 */
public final class FailoverBench {
    private static final String EXPORT = "bench";
    private static final int BLOCKS = 4096; // 16 MiB written round-robin
    private static final long STEP_DEADLINE_MS = 180_000;
    private static final int VERIFY_ATTEMPTS = 5;

    public static void main(String[] args) throws Exception {
        int runs = 20;
        String store = "file";
        String jar = "server/target/cairn.jar";
        long latencyMs = 50;
        long settleMs = 15_000;
        int rate = 50;
        long electionMs = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--store" -> store = args[++i];
                case "--jar" -> jar = args[++i];
                case "--latency-ms" -> latencyMs = Long.parseLong(args[++i]);
                case "--settle-ms" -> settleMs = Long.parseLong(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--election-ms" -> electionMs = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (--runs N --store file|s3proxy --jar PATH --latency-ms MS --settle-ms MS --rate N --election-ms MS)");
            }
        }
        if (!store.equals("file") && !store.equals("s3proxy")) throw new IllegalArgumentException("--store file|s3proxy");
        Path work = Files.createTempDirectory("cairn-failover");
        System.out.println("work dir " + work + ", store " + store + ", runs " + runs + ", settle " + settleMs + " ms, writer rate " + (rate > 0 ? rate + "/s" : "unlimited")
                + ", election timeout " + (electionMs > 0 ? electionMs + " ms" : "default"));
        List<AutoCloseable> closers = new ArrayList<>();
        List<ClusterNode> nodes = new ArrayList<>();
        BarrierWriter writer = null;
        Thread writerThread = null;
        try {
            String storageSection = storageSection(store, work, latencyMs, closers);
            nodes.addAll(cluster(work, storageSection, Path.of(jar).toAbsolutePath(), electionMs));
            for (ClusterNode n : nodes) n.start();
            // Under heavy load leadership can move between finding the leader and the admin command: retry.
            for (int attempt = 1; ; attempt++) {
                try {
                    createDevice(awaitLeader(nodes, -1), Path.of(jar).toAbsolutePath());
                    break;
                } catch (IllegalStateException e) {
                    if (attempt == VERIFY_ATTEMPTS) throw e;
                }
            }
            writer = new BarrierWriter(nodes, EXPORT, BLOCKS, rate);
            writerThread = Thread.ofPlatform().name("barrier-writer").start(writer);
            awaitAcks(writer, 100);

            long[] failoverMs = new long[runs];
            long lostTotal = 0;
            Map<String, Map<String, Double>> lastSums = new HashMap<>();
            Map<String, List<Long>> phaseMs = new TreeMap<>();
            List<Long> detectMs = new ArrayList<>();
            List<Double> loads = new ArrayList<>();
            List<Double> steals = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                Thread.sleep(settleMs); // the writer keeps writing: a settled cluster under load, not an idle one
                loads.add(loadAverage());
                int victim = nodes.indexOf(awaitLeader(nodes, -1));
                ClusterNode killed = nodes.get(victim);
                long acksBefore = writer.acks();
                CpuTimes cpuAtKill = CpuTimes.now();
                writer.arm(victim);
                killed.kill();
                BarrierWriter w = writer;
                await("a write acknowledged by a new leader", () -> w.firstAckAt() != 0);
                steals.add(CpuTimes.now().stealPercentSince(cpuAtKill));
                long t0 = writer.killedAt();
                failoverMs[run] = (writer.firstAckAt() - t0) / 1_000_000;
                long seenMs = writer.leaderSeenAt() == 0 ? -1 : (writer.leaderSeenAt() - t0) / 1_000_000;
                writer.pause(STEP_DEADLINE_MS);
                ClusterNode leader = null;
                long lost = -1;
                // Under heavy load leadership may move again while we read back; read from whoever leads then.
                for (int attempt = 1; lost < 0; attempt++) {
                    leader = awaitLeader(nodes, victim);
                    try {
                        lost = writer.lostWrites(leader);
                    } catch (java.util.concurrent.ExecutionException | IOException e) {
                        if (attempt == VERIFY_ATTEMPTS) throw e;
                        System.out.println("run " + (run + 1) + ": read-back from " + leader.id + " failed (" + e
                                + "), leadership moved? retrying");
                    }
                }
                lostTotal += lost;
                Map<String, Double> sums = phaseSums(leader.metrics());
                Map<String, Double> before = lastSums.getOrDefault(leader.id, Map.of());
                StringBuilder phases = new StringBuilder();
                for (var e : sums.entrySet()) {
                    long ms = Math.round((e.getValue() - before.getOrDefault(e.getKey(), 0.0)) * 1000);
                    phases.append(phases.isEmpty() ? "; server phases: " : ", ").append(e.getKey()).append('=').append(ms).append("ms");
                    phaseMs.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(ms);
                }
                lastSums.put(leader.id, sums);
                lastSums.remove(killed.id); // restarted below: its counters start again at zero
                detectMs.add(seenMs);
                System.out.printf("run %d: killed %s (pid %d), new leader %s: failover %d ms (leader visible at %d ms%s),"
                                + " acks so far %d, lost %d, load %.1f, CPU steal during the failover %.0f%%%n",
                        run + 1, killed.id, killed.pid(), leader.id, failoverMs[run], seenMs, phases, acksBefore, lost,
                        loads.getLast(), steals.getLast());
                killed.start();
                await(killed.id + " back as a standby", () -> {
                    if (!killed.alive()) throw new IllegalStateException(killed.id + " exited while starting: see " + killed.log());
                    return killed.ready();
                });
                writer.resume();
                awaitAcks(writer, 50);
            }
            long[] sorted = failoverMs.clone();
            Arrays.sort(sorted);
            System.out.println("failover times ms: " + Arrays.toString(failoverMs) + ", writer errors " + writer.errors());
            System.out.println("new leader visible (/health/leader 200) after kill, ms: " + median(detectMs) + " median");
            System.out.printf("machine load (1-minute average) at the kills: min %.1f, median %.1f, max %.1f on %d cores%n",
                    loads.stream().min(Double::compare).orElse(0.0), loads.stream().sorted().toList().get(loads.size() / 2),
                    loads.stream().max(Double::compare).orElse(0.0), Runtime.getRuntime().availableProcessors());
            List<Double> stealSorted = steals.stream().sorted().toList();
            System.out.printf("CPU steal during the failovers: min %.0f%%, median %.0f%%, max %.0f%%%n",
                    stealSorted.getFirst(), stealSorted.get(stealSorted.size() / 2), stealSorted.getLast());
            for (var e : phaseMs.entrySet()) {
                System.out.println("server phase " + e.getKey() + " (cairn_ha_failover_phase_seconds), ms: median "
                        + median(e.getValue()) + ", max " + e.getValue().stream().mapToLong(Long::longValue).max().orElse(0));
            }
            System.out.printf("failover runs=%d p50=%dms p99=%dms max=%dms lost=%d%n", runs, pct(sorted, 0.50),
                    pct(sorted, 0.99), sorted[sorted.length - 1], lostTotal);
        } catch (Exception | Error e) {
            for (ClusterNode n : nodes) System.err.println("--- " + n.id + " log tail:\n" + ClusterNode.tail(n.log(), 30));
            throw e;
        } finally {
            if (writer != null) writer.stop();
            if (writerThread != null) writerThread.join(30_000);
            for (ClusterNode n : nodes) n.stop();
            for (AutoCloseable c : closers.reversed()) c.close();
        }
    }

    private static String storageSection(String store, Path work, long latencyMs, List<AutoCloseable> closers)
            throws Exception {
        if (store.equals("file")) return "[storage]\nurl = \"file://" + work.resolve("store") + "\"\n";
        S3ProxyFixture s3 = S3ProxyFixture.start();
        closers.add(s3);
        String bucket = s3.createBucket();
        int port = s3.endpoint().getPort();
        if (latencyMs > 0) port = faultProxy(s3, latencyMs, closers);
        else System.out.println("s3proxy " + s3.endpoint() + " (no fault proxy)");
        return "[storage]\nurl = \"s3://" + bucket + "/vol\"\n"
                + "[aws]\nendpoint = \"http://127.0.0.1:" + port + "\"\nregion = \"us-east-1\"\n"
                + "access_key_id = \"" + S3ProxyFixture.IDENTITY + "\"\nsecret_access_key = \""
                + S3ProxyFixture.CREDENTIAL + "\"\npath_style = true\n";
    }

    /** The chaos module's S3 fault proxy in front of s3proxy, adding {@code latencyMs} to every request. */
    private static int faultProxy(S3ProxyFixture s3, long latencyMs, List<AutoCloseable> closers) throws Exception {
        FaultPlan plan = new FaultPlan(1);
        plan.add(FaultRule.parse("kind=latency ms=" + latencyMs));
        S3FaultProxy proxy = new S3FaultProxy(s3.endpoint(), plan);
        closers.add(proxy);
        InetSocketAddress at = proxy.start(new InetSocketAddress("127.0.0.1", 0));
        System.out.println("s3proxy " + s3.endpoint() + " behind fault proxy 127.0.0.1:" + at.getPort()
                + " (" + latencyMs + " ms latency on every request)");
        return at.getPort();
    }

    private static List<ClusterNode> cluster(Path work, String storageSection, Path jar, long electionMs)
            throws IOException {
        Path keyFile = work.resolve("key.hex");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.writeString(keyFile, HexFormat.of().formatHex(key) + "\n");
        int[] raft = new int[3];
        for (int i = 0; i < 3; i++) raft[i] = freePort();
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < 3; i++) peers.add("\"n" + (i + 1) + "@127.0.0.1:" + raft[i] + "\"");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> javaCommand = List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-jar", jar.toString());
        List<ClusterNode> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = "n" + (i + 1);
            Path dir = Files.createDirectories(work.resolve(id));
            int nbd = freePort(), http = freePort();
            String toml = storageSection.replaceFirst("\n", "\nkey_file = \"" + keyFile + "\"\n")
                    + "[cache]\ndir = \"" + dir.resolve("cache") + "\"\ndisk_size_gb = 1\nmemory_size_gb = 0.25\n"
                    + "[servers.nbd]\naddresses = [\"127.0.0.1:" + nbd + "\"]\n"
                    + "[servers.http]\naddresses = [\"127.0.0.1:" + http + "\"]\n"
                    + "[ha]\nnode_id = \"" + id + "\"\nmode = \"raft\"\nraft_address = \"127.0.0.1:" + raft[i] + "\"\n"
                    + "peers = [" + String.join(", ", peers) + "]\n"
                    + (electionMs > 0 ? "election_timeout_ms = " + electionMs + "\n" : "");
            Path config = dir.resolve("cairn.toml");
            Files.writeString(config, toml);
            nodes.add(new ClusterNode(id, nbd, http, config, dir.resolve("node.log"), javaCommand));
        }
        return nodes;
    }

    private static void createDevice(ClusterNode leader, Path jar) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-jar", jar.toString(), "nbd", "create", "-c", leader.config.toString(),
                EXPORT, "64M").inheritIO().start();
        if (p.waitFor() != 0) throw new IllegalStateException("cairn nbd create failed: exit " + p.exitValue());
    }

    /** The leader other than {@code except}, waiting for one. */
    private static ClusterNode awaitLeader(List<ClusterNode> nodes, int except) throws InterruptedException {
        ClusterNode[] found = new ClusterNode[1];
        await("a leader", () -> {
            for (int i = 0; i < nodes.size(); i++) {
                if (i != except && nodes.get(i).leader()) {
                    found[0] = nodes.get(i);
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static void awaitAcks(BarrierWriter writer, long more) throws InterruptedException {
        long target = writer.acks() + more;
        await(more + " acknowledged writes", () -> writer.acks() >= target);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.currentTimeMillis() + STEP_DEADLINE_MS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) throw new IllegalStateException("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    private static final Pattern PHASE_SUM =
            Pattern.compile("^cairn_ha_failover_phase_seconds_sum\\{phase=\"([a-z]+)\"[^}]*} ([0-9.eE+-]+)$");

    /** Seconds spent so far per phase ({@code cairn_ha_failover_phase_seconds_sum}), if the server exports it. */
    private static Map<String, Double> phaseSums(String metrics) {
        Map<String, Double> sums = new TreeMap<>();
        for (String line : metrics.split("\n")) {
            Matcher m = PHASE_SUM.matcher(line.trim());
            if (m.matches()) sums.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return sums;
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static long median(List<Long> values) {
        if (values.isEmpty()) return -1;
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static long pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /**
     * A port that is free now, below Linux's default ephemeral range (32768-60999): the nodes restart many
     * times on the same ports, and a port from the ephemeral range can meanwhile be taken by some outgoing
     * connection, so a restarted node could not bind it.
     */
    private static int freePort() throws IOException {
        var random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 20000-31999");
    }
}
