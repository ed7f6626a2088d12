package cairn.protocols.ninep;

import cairn.engine.fs.Errno;
import cairn.engine.fs.FsException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fids of one connection, with strict lifetime rules: a fid number is added only when unused, every
 * use of an unknown fid is {@code EBADF}, and a state change is a compare-and-set so two racing requests on
 * one fid cannot both open it.
 */
final class FidTable {
    /** Bound on fids per connection: a client cannot grow server memory without limit. */
    static final int MAX_FIDS = 1 << 16;

    private final ConcurrentHashMap<Integer, Fid> fids = new ConcurrentHashMap<>();

    Fid get(int fid) {
        Fid f = fids.get(fid);
        if (f == null) throw new FsException(Errno.EBADF, "unknown fid " + Integer.toUnsignedString(fid));
        return f;
    }

    void checkUnused(int fid) {
        if (fids.containsKey(fid)) {
            throw new FsException(Errno.EBADF, "fid " + Integer.toUnsignedString(fid) + " in use");
        }
    }

    void add(int fid, Fid value) {
        if (fids.size() >= MAX_FIDS) throw new FsException(Errno.ENOMEM, "too many fids");
        if (fids.putIfAbsent(fid, value) != null) {
            throw new FsException(Errno.EBADF, "fid " + Integer.toUnsignedString(fid) + " in use");
        }
    }

    /** Replaces {@code expected} (the record the caller read) or fails with EBADF if it changed meanwhile. */
    void replace(int fid, Fid expected, Fid value) {
        if (!fids.replace(fid, expected, value)) {
            throw new FsException(Errno.EBADF, "fid " + Integer.toUnsignedString(fid) + " changed concurrently");
        }
    }

    /** Removes and returns the fid (clunk), EBADF if unknown. */
    Fid remove(int fid) {
        Fid f = fids.remove(fid);
        if (f == null) throw new FsException(Errno.EBADF, "unknown fid " + Integer.toUnsignedString(fid));
        return f;
    }

    /** Removes the fid if it is unopened (a clunk with no filesystem call to make); false otherwise. */
    boolean removeUnopened(int fid) {
        Fid f = fids.get(fid);
        return f != null && f.state() instanceof Fid.Unopened && fids.remove(fid, f);
    }

    /** Removes every fid (Tversion reset or connection close) and returns them. */
    List<Fid> clear() {
        List<Fid> all = new ArrayList<>();
        for (Integer k : List.copyOf(fids.keySet())) {
            Fid f = fids.remove(k);
            if (f != null) all.add(f);
        }
        return all;
    }

    int size() {
        return fids.size();
    }
}
