package cairn.protocols.nfs.client;

import cairn.protocols.nfs.Nfs3;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes one file the way a kernel client does: UNSTABLE writes, then COMMIT. Every write not yet covered by a
 * COMMIT is kept with the verifier it was acknowledged under; when COMMIT returns a different verifier the
 * server lost its unstable state (restart, failover), so those writes are sent again and committed again.
 * Uncommitted bytes are bounded: past {@code uncommittedBytesMax} a write first commits. Not thread-safe.
 */
public final class NfsFileWriter {
    private static final int COMMIT_ROUNDS_MAX = 5;

    private record Pending(long offset, byte[] data, long verifier) {}

    private final NfsClient client;
    private final byte[] fh;
    private final long uncommittedBytesMax;
    private final List<Pending> pending = new ArrayList<>();
    private long pendingBytes;
    private int resentWrites;

    public NfsFileWriter(NfsClient client, byte[] fh, long uncommittedBytesMax) {
        this.client = client;
        this.fh = fh.clone();
        this.uncommittedBytesMax = uncommittedBytesMax;
    }

    /** An UNSTABLE write (split into 1 MiB calls), kept until a {@link #commit}. */
    public void write(long offset, byte[] data) {
        if (pendingBytes + data.length > uncommittedBytesMax && !pending.isEmpty()) commit();
        int done = 0;
        do {
            int n = Math.min(Nfs3.IO_BYTES_MAX, data.length - done);
            send(offset + done, Arrays.copyOfRange(data, done, done + n));
            done += n;
        } while (done < data.length);
    }

    /** COMMIT; resends every write acknowledged under another verifier until one COMMIT covers them all. */
    public void commit() {
        for (int round = 0; round < COMMIT_ROUNDS_MAX; round++) {
            long verifier = client.commit(fh, 0, 0);
            var stale = pending.stream().filter(p -> p.verifier() != verifier).toList();
            if (stale.isEmpty()) {
                pending.clear();
                pendingBytes = 0;
                return;
            }
            pending.removeAll(stale);
            pendingBytes = pending.stream().mapToLong(p -> p.data().length).sum();
            for (var p : stale) {
                resentWrites++;
                send(p.offset(), p.data());
            }
        }
        throw new NfsException("COMMIT (verifier kept changing)", Nfs3.ERR_IO);
    }

    /** How many writes were sent again because the verifier changed. */
    public int resentWrites() {
        return resentWrites;
    }

    private void send(long offset, byte[] data) {
        var w = client.write(fh, offset, data, Nfs3.UNSTABLE);
        if (w.count() != data.length) throw new NfsException("WRITE (short count " + w.count() + ")", Nfs3.ERR_IO);
        if (w.committed() == Nfs3.UNSTABLE) {
            pending.add(new Pending(offset, data, w.verifier()));
            pendingBytes += data.length;
        }
    }
}
