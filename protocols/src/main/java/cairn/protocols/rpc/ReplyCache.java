package cairn.protocols.rpc;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Duplicate request cache: a bounded LRU of the replies to non-idempotent calls, keyed by client address, xid,
 * program, version, procedure and a checksum of the arguments (clients behind one address, such as guests
 * behind NAT, may reuse xids). The port is left out because a client that reconnects after a timeout
 * retransmits from a new port. A retransmission of a call still running is dropped; one of a finished call
 * gets the original reply.
 */
public final class ReplyCache {

    public record Key(InetAddress client, int xid, int program, int version, int procedure, long argsChecksum) {}

    /** The outcome of {@link #begin}. */
    public sealed interface Admission {
        /** First time: run the call, then {@link #complete} or {@link #abandon}. */
        record Run() implements Admission {}

        /** The same call is still running: drop the retransmission. */
        record InProgress() implements Admission {}

        /** Already answered: send these reply bytes again. */
        record Replay(byte[] reply) implements Admission {}
    }

    private static final Admission RUN = new Admission.Run();
    private static final Admission IN_PROGRESS = new Admission.InProgress();
    private static final byte[] RUNNING = new byte[0];

    private final Map<Key, byte[]> entries;

    public ReplyCache(int entriesMax) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, byte[]> eldest) {
                return size() > entriesMax;
            }
        };
    }

    public synchronized Admission begin(Key key) {
        byte[] reply = entries.get(key);
        if (reply == null) {
            entries.put(key, RUNNING);
            return RUN;
        }
        return reply == RUNNING ? IN_PROGRESS : new Admission.Replay(reply);
    }

    public synchronized void complete(Key key, byte[] reply) {
        entries.put(key, reply);
    }

    /** The call failed without a reply worth repeating: forget it so a retransmission runs again. */
    public synchronized void abandon(Key key) {
        entries.remove(key);
    }

    public synchronized int size() {
        return entries.size();
    }
}
