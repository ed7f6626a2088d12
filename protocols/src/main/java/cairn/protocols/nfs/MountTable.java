package cairn.protocols.nfs;

import cairn.engine.fs.Attr;
import cairn.engine.fs.Caller;
import cairn.engine.fs.Errno;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FileType;
import cairn.engine.fs.FsException;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;

/**
 * The MOUNT service: resolves export paths ("/" and any directory below it) to handles and keeps the
 * advisory list of mounts DUMP reports (bounded; the oldest entries go first).
 */
public final class MountTable {
    private static final int ENTRIES_MAX = 1024;

    /** One mount as DUMP reports it. */
    public record Entry(String host, String path) {}

    /** MNT's answer: a mountstat3 and, when OK, the handle. */
    public record Result(int status, byte[] fh) {}

    private final FileSystem fs;
    private final NfsExportOptions options;
    private final SequencedSet<Entry> mounts = new LinkedHashSet<>();

    public MountTable(FileSystem fs, NfsExportOptions options) {
        this.fs = fs;
        this.options = options;
    }

    public Result mount(InetAddress client, Caller caller, String path) {
        if (!options.allows(client)) return new Result(Mount3.ERR_ACCES, null);
        // libnfs asks for "" when the URL names a file in the root
        if (!path.isEmpty() && !path.startsWith("/")) return new Result(Mount3.ERR_NOENT, null);
        try {
            long ino = FileSystem.ROOT_INODE;
            for (String name : path.split("/")) {
                if (name.isEmpty() || name.equals(".")) continue;
                if (name.getBytes(StandardCharsets.UTF_8).length > Mount3.NAME_BYTES_MAX) {
                    return new Result(Mount3.ERR_NAMETOOLONG, null);
                }
                ino = fs.lookup(caller, ino, name).ino();
            }
            Attr a = fs.getattr(ino);
            if (a.type() != FileType.DIRECTORY) return new Result(Mount3.ERR_NOTDIR, null);
            synchronized (mounts) {
                mounts.add(new Entry(client.getHostAddress(), path));
                if (mounts.size() > ENTRIES_MAX) mounts.removeFirst();
            }
            return new Result(Mount3.OK, fs.handle(ino).toBytes());
        } catch (FsException e) {
            return new Result(status(e.errno()), null);
        }
    }

    public void unmount(InetAddress client, String path) {
        synchronized (mounts) {
            mounts.remove(new Entry(client.getHostAddress(), path));
        }
    }

    public void unmountAll(InetAddress client) {
        synchronized (mounts) {
            mounts.removeIf(e -> e.host().equals(client.getHostAddress()));
        }
    }

    public List<Entry> dump() {
        synchronized (mounts) {
            return new ArrayList<>(mounts);
        }
    }

    /** The one export, "/", with the networks allowed to mount it. */
    public List<String> exportGroups() {
        return options.allowedClients().stream().map(Cidr::toString).toList();
    }

    private static int status(Errno errno) {
        return switch (errno) {
            case ENOENT -> Mount3.ERR_NOENT;
            case ENOTDIR -> Mount3.ERR_NOTDIR;
            case EACCES -> Mount3.ERR_ACCES;
            case EPERM -> Mount3.ERR_PERM;
            case ENAMETOOLONG -> Mount3.ERR_NAMETOOLONG;
            case EINVAL -> Mount3.ERR_INVAL;
            default -> Mount3.ERR_IO;
        };
    }
}
