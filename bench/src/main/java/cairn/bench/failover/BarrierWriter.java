package cairn.bench.failover;

import cairn.protocols.nbd.client.NbdClient;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Writes numbered 4 KiB blocks through NBD, each followed by FLUSH, to whichever node leads; remembers the
 * sequence number of the last acknowledged (flushed) write of every block. On any error it drops the
 * connection, finds the leader again and retries the same write, so an unacknowledged write is never skipped.
 * At most {@code ratePerSecond} writes start per second (0: as fast as the leader acknowledges).
 */
final class BarrierWriter implements Runnable {
    static final int BLOCK = 4096;
    private static final long OP_TIMEOUT_S = 10;

    private final List<ClusterNode> nodes;
    private final String export;
    private final long[] acked;
    private final long intervalNanos;
    private long nextStart;
    private volatile boolean stop;
    private volatile boolean pauseRequested;
    private volatile boolean idle;
    private volatile long acks;
    private volatile long errors;
    /** Set by {@link #arm}: the node about to be killed and when. */
    private volatile int killedNode = -1;
    private volatile long killedAt;
    private volatile long leaderSeenAt;
    private volatile long firstAckAt;
    private NbdClient client;
    private int clientNode = -1;
    private long seq = 1;

    BarrierWriter(List<ClusterNode> nodes, String export, int blocks, int ratePerSecond) {
        this.nodes = nodes;
        this.export = export;
        this.acked = new long[blocks];
        this.intervalNanos = ratePerSecond <= 0 ? 0 : 1_000_000_000L / ratePerSecond;
    }

    @Override
    public void run() {
        while (!stop) {
            if (pauseRequested) {
                idleWhilePaused();
                continue;
            }
            if (client == null && !connect()) {
                sleepMs(10);
                continue;
            }
            pace();
            int block = (int) (seq % acked.length);
            try {
                client.write((long) block * BLOCK, content(seq, block)).get(OP_TIMEOUT_S, TimeUnit.SECONDS);
                client.flush().get(OP_TIMEOUT_S, TimeUnit.SECONDS);
                acked[block] = seq++;
                acks++;
                if (killedAt != 0 && firstAckAt == 0 && clientNode != killedNode) firstAckAt = System.nanoTime();
            } catch (Exception e) {
                errors++;
                disconnect();
            }
        }
        disconnect();
    }

    /** Waits for this write's slot; a writer that fell behind (failover) starts at once, without a burst. */
    private void pace() {
        if (intervalNanos == 0) return;
        long now = System.nanoTime();
        if (nextStart > now) {
            sleepMs((nextStart - now) / 1_000_000);
            now = nextStart;
        }
        nextStart = now + intervalNanos;
    }

    private boolean connect() {
        for (int i = 0; i < nodes.size(); i++) {
            ClusterNode node = nodes.get(i);
            if (!node.leader()) continue;
            if (killedAt != 0 && leaderSeenAt == 0 && i != killedNode) leaderSeenAt = System.nanoTime();
            try {
                client = NbdClient.connect(new InetSocketAddress("127.0.0.1", node.nbdPort), NbdClient.Options.of(export));
                clientNode = i;
                return true;
            } catch (Exception e) {
                errors++;
            }
        }
        return false;
    }

    private void disconnect() {
        if (client == null) return;
        try {
            client.close();
        } catch (Exception ignored) {
            // the server is gone or deposed; nothing to flush
        }
        client = null;
        clientNode = -1;
    }

    /** Call right before killing {@code node}. */
    void arm(int node) {
        leaderSeenAt = 0;
        firstAckAt = 0;
        killedNode = node;
        killedAt = System.nanoTime();
    }

    long killedAt() {
        return killedAt;
    }

    long leaderSeenAt() {
        return leaderSeenAt;
    }

    long firstAckAt() {
        return firstAckAt;
    }

    long acks() {
        return acks;
    }

    long errors() {
        return errors;
    }

    void pause(long deadlineMs) throws InterruptedException {
        pauseRequested = true;
        long end = System.currentTimeMillis() + deadlineMs;
        while (!idle) {
            if (System.currentTimeMillis() > end) throw new IllegalStateException("writer did not pause");
            Thread.sleep(5);
        }
    }

    void resume() {
        pauseRequested = false;
    }

    void stop() {
        stop = true;
        pauseRequested = false;
    }

    private void idleWhilePaused() {
        idle = true;
        while (pauseRequested && !stop) sleepMs(5);
        idle = false;
    }

    /**
     * Reads back every block through a fresh connection to {@code node} (writer paused) and counts the blocks
     * whose content is older than their last acknowledged write (or unreadable garbage).
     */
    long lostWrites(ClusterNode node) throws Exception {
        long lost = 0;
        try (var reader = NbdClient.connect(new InetSocketAddress("127.0.0.1", node.nbdPort), NbdClient.Options.of(export))) {
            int batch = 32;
            for (int first = 0; first < acked.length; first += batch) {
                List<CompletableFuture<byte[]>> reads = new ArrayList<>();
                for (int b = first; b < Math.min(acked.length, first + batch); b++) reads.add(reader.read((long) b * BLOCK, BLOCK));
                for (int i = 0; i < reads.size(); i++) {
                    int b = first + i;
                    byte[] got = reads.get(i).get(OP_TIMEOUT_S, TimeUnit.SECONDS);
                    if (acked[b] == 0) continue;
                    long seen = ByteBuffer.wrap(got).getLong(0);
                    boolean intact = seen >= acked[b] && java.util.Arrays.equals(got, content(seen, b));
                    if (!intact) lost++;
                }
            }
        }
        return lost;
    }

    static byte[] content(long seq, int block) {
        ByteBuffer buf = ByteBuffer.allocate(BLOCK);
        buf.putLong(seq).putLong(block);
        byte fill = (byte) (seq * 31 + block);
        while (buf.hasRemaining()) buf.put(fill);
        return buf.array();
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
