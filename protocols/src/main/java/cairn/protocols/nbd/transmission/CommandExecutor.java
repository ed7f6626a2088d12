package cairn.protocols.nbd.transmission;

import cairn.engine.fs.Caller;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.ReadResult;
import cairn.engine.fs.Segment;
import cairn.protocols.nbd.NbdErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

import static cairn.protocols.nbd.NbdProtocol.*;

/**
 * Runs one request against the filesystem and returns its replies. Blocking; runs on a virtual thread. Knows no
 * bytes and no Netty. Every failure becomes an error reply: nothing escapes.
 */
final class CommandExecutor {
    private static final Logger log = LoggerFactory.getLogger(CommandExecutor.class);
    /** WRITE_ZEROES with NO_HOLE writes zeros in pieces of this size (one shared, never-written array). */
    private static final byte[] ZEROS = new byte[1 << 20];
    /** CACHE reads ahead in pieces of this size and drops the data. */
    private static final int CACHE_READ_BYTES = 1 << 20;
    /** BLOCK_STATUS maps at most this much per request (the client asks again for the rest). */
    private static final long STATUS_BYTES_MAX = 1L << 30;
    private static final int EXTENTS_MAX = 16_384;
    private static final int FLAGS_ANY = CMD_FLAG_FUA;

    private final FileSystem fs;
    private final ExportSession session;
    private final long ino;
    private final long sizeBytes;

    CommandExecutor(FileSystem fs, ExportSession session) {
        this.fs = fs;
        this.session = session;
        this.ino = session.export().ino();
        this.sizeBytes = session.export().sizeBytes();
    }

    List<NbdReply> execute(NbdRequest r) {
        Rejection rejection = check(r);
        if (rejection != null) return error(r, rejection.errno(), rejection.message());
        try {
            return switch (r.type()) {
                case CMD_READ -> read(r);
                case CMD_WRITE -> {
                    fs.write(Caller.ROOT, ino, r.offset(), r.payload());
                    yield durable(r);
                }
                case CMD_FLUSH -> {
                    fs.syncfs();
                    yield ok(r);
                }
                case CMD_TRIM -> {
                    if (r.length() > 0) fs.punchHole(Caller.ROOT, ino, r.offset(), r.length());
                    yield durable(r);
                }
                case CMD_WRITE_ZEROES -> writeZeroes(r);
                case CMD_CACHE -> cache(r);
                case CMD_BLOCK_STATUS -> blockStatus(r);
                default -> throw new IllegalStateException("unchecked command " + r.type());
            };
        } catch (RuntimeException e) {
            int errno = NbdErrors.of(e);
            if (errno == EIO) log.warn("NBD {} on {} failed", r.type(), session.export().name(), e);
            return error(r, errno, e.getMessage());
        }
    }

    /** Why a request may not run: the NBD error and a message for the client. */
    private record Rejection(int errno, String message) {}

    /** Null if the request may run. */
    private Rejection check(NbdRequest r) {
        int allowed = switch (r.type()) {
            case CMD_READ -> FLAGS_ANY | (session.structured() ? CMD_FLAG_DF : 0);
            case CMD_WRITE, CMD_FLUSH, CMD_TRIM, CMD_CACHE -> FLAGS_ANY;
            case CMD_WRITE_ZEROES -> FLAGS_ANY | CMD_FLAG_NO_HOLE | (session.readOnly() ? 0 : CMD_FLAG_FAST_ZERO);
            case CMD_BLOCK_STATUS -> FLAGS_ANY | CMD_FLAG_REQ_ONE;
            default -> -1;
        };
        if (allowed == -1) return new Rejection(EINVAL, "unknown command " + r.type());
        if ((r.flags() & ~allowed) != 0) {
            return new Rejection(EINVAL, "flags 0x" + Integer.toHexString(r.flags()) + " not valid here");
        }
        if (r.type() == CMD_FLUSH) return null;
        boolean writes = r.type() == CMD_WRITE || r.type() == CMD_TRIM || r.type() == CMD_WRITE_ZEROES;
        if (writes && session.readOnly()) return new Rejection(EPERM, "export is read-only");
        if (r.offset() < 0 || r.length() > sizeBytes - r.offset()) {
            boolean grows = r.type() == CMD_WRITE || r.type() == CMD_WRITE_ZEROES;
            return new Rejection(grows ? ENOSPC : EINVAL, "range " + Long.toUnsignedString(r.offset()) + "+"
                    + r.length() + " is past the end (" + sizeBytes + ")");
        }
        if ((r.type() == CMD_READ || r.type() == CMD_CACHE) && r.length() > BLOCK_SIZE_MAX) {
            return new Rejection(EINVAL, "length " + r.length() + " exceeds the maximum block size");
        }
        if (r.type() == CMD_BLOCK_STATUS && !session.baseAllocation()) {
            return new Rejection(EINVAL, "no metadata context negotiated");
        }
        return null;
    }

    private List<NbdReply> read(NbdRequest r) {
        int length = (int) r.length();
        if (!session.structured()) return List.of(new NbdReply.Simple(r.handle(), 0, readFully(r.offset(), length)));
        if (length == 0) return List.of(new NbdReply.None(r.handle()));
        List<Segment> runs = coalesce(fs.map(ino, r.offset(), length), r.offset(), length);
        if (r.flag(CMD_FLAG_DF) && runs.size() > 1) {
            return List.of(new NbdReply.OffsetData(r.handle(), true, r.offset(), readFully(r.offset(), length)));
        }
        List<NbdReply> chunks = new ArrayList<>(runs.size());
        for (int i = 0; i < runs.size(); i++) {
            Segment s = runs.get(i);
            boolean done = i == runs.size() - 1;
            chunks.add(s.hole() ? new NbdReply.OffsetHole(r.handle(), done, s.offset(), (int) s.length())
                    : new NbdReply.OffsetData(r.handle(), done, s.offset(), readFully(s.offset(), (int) s.length())));
        }
        return chunks;
    }

    private List<NbdReply> writeZeroes(NbdRequest r) {
        if (!r.flag(CMD_FLAG_NO_HOLE)) {
            if (r.length() > 0) fs.punchHole(Caller.ROOT, ino, r.offset(), r.length());
            return durable(r);
        }
        // Writing real zeros is no faster than a WRITE: a FAST_ZERO request must fail at once, untouched.
        if (r.flag(CMD_FLAG_FAST_ZERO)) return error(r, ENOTSUP, "zeroing without holes is not fast");
        for (long done = 0; done < r.length(); ) {
            int n = (int) Math.min(ZEROS.length, r.length() - done);
            fs.write(Caller.ROOT, ino, r.offset() + done, n == ZEROS.length ? ZEROS : new byte[n]);
            done += n;
        }
        return durable(r);
    }

    private List<NbdReply> cache(NbdRequest r) {
        for (long done = 0; done < r.length(); ) {
            int n = (int) Math.min(CACHE_READ_BYTES, r.length() - done);
            ReadResult result = fs.read(Caller.ROOT, ino, r.offset() + done, n);
            if (result.eof() || result.data().length == 0) break;
            done += result.data().length;
        }
        return ok(r);
    }

    private List<NbdReply> blockStatus(NbdRequest r) {
        long length = Math.min(r.length(), STATUS_BYTES_MAX);
        if (length == 0) return error(r, EINVAL, "empty block status request");
        List<Segment> runs = coalesce(fs.map(ino, r.offset(), length), r.offset(), length);
        int limit = r.flag(CMD_FLAG_REQ_ONE) ? 1 : EXTENTS_MAX;
        List<NbdReply.Extent> extents = new ArrayList<>(Math.min(runs.size(), limit));
        for (Segment s : runs) {
            if (extents.size() == limit) break;
            extents.add(new NbdReply.Extent(s.length(), s.hole() ? STATE_HOLE | STATE_ZERO : 0));
        }
        return List.of(new NbdReply.BlockStatus(r.handle(), true, ExportSession.BASE_ALLOCATION_ID, extents));
    }

    /** Honours FUA: the reply waits until this inode's data is durable. */
    private List<NbdReply> durable(NbdRequest r) {
        if (r.flag(CMD_FLAG_FUA)) fs.fsync(ino);
        return ok(r);
    }

    private static List<NbdReply> ok(NbdRequest r) {
        return List.of(new NbdReply.Simple(r.handle(), 0, null));
    }

    private List<NbdReply> error(NbdRequest r, int errno, String message) {
        if (session.structured()) return List.of(new NbdReply.Error(r.handle(), true, errno, message));
        return List.of(new NbdReply.Simple(r.handle(), errno, null));
    }

    /** Reads exactly {@code length} bytes; what lies beyond the file's end (it may have shrunk) reads as zeros. */
    private byte[] readFully(long offset, int length) {
        ReadResult result = fs.read(Caller.ROOT, ino, offset, length);
        if (result.data().length == length) return result.data(); // the usual case: a fresh array, sent as is
        byte[] out = new byte[length];
        int filled = 0;
        while (true) {
            int n = Math.min(result.data().length, length - filled);
            System.arraycopy(result.data(), 0, out, filled, n);
            filled += n;
            if (filled == length || result.eof() || n == 0) return out;
            result = fs.read(Caller.ROOT, ino, offset + filled, length - filled);
        }
    }

    /**
     * Merges neighbouring runs of the same kind, drops empty ones and covers any tail the map left out (the file
     * may be shorter than the export) as a hole, so the runs tile {@code [offset, offset+length)} exactly.
     */
    static List<Segment> coalesce(List<Segment> segments, long offset, long length) {
        List<Segment> runs = new ArrayList<>();
        long end = offset + length;
        long next = offset;
        for (Segment s : segments) {
            long start = Math.max(s.offset(), next);
            long stop = Math.min(s.offset() + s.length(), end);
            if (stop <= start) continue;
            if (start > next) append(runs, new Segment(next, start - next, true));
            append(runs, new Segment(start, stop - start, s.hole()));
            next = stop;
        }
        if (next < end) append(runs, new Segment(next, end - next, true));
        return runs;
    }

    private static void append(List<Segment> runs, Segment s) {
        if (!runs.isEmpty()) {
            Segment last = runs.get(runs.size() - 1);
            if (last.hole() == s.hole() && last.offset() + last.length() == s.offset()) {
                runs.set(runs.size() - 1, new Segment(last.offset(), last.length() + s.length(), s.hole()));
                return;
            }
        }
        runs.add(s);
    }
}
