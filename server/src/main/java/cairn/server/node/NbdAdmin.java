package cairn.server.node;

import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FsException;
import cairn.protocols.nbd.NbdDevices;
import cairn.protocols.nbd.NbdExports;
import cairn.server.admin.AdminException;
import cairn.server.admin.AdminRouter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** {@code nbd.create|list|resize|delete}: NBD devices are the regular files in {@code /.nbd/}. */
final class NbdAdmin {
    static final int LIST_MAX = 10_000;

    private NbdAdmin() {}

    static void register(AdminRouter router, FileSystem fs, Supplier<NbdExports> exports) {
        router.register("nbd.list", args -> guarded(() -> NbdDevices.list(fs, LIST_MAX).stream()
                .map(name -> describe(name, NbdDevices.lookup(fs, name).size(), exports.get())).toList()));
        router.register("nbd.create", args -> guarded(() -> {
            String name = args.string("name");
            if (exists(fs, name)) throw new AdminException(AdminException.Code.ALREADY_EXISTS, "device " + name + " exists (use nbd resize)");
            long size = NbdDevices.create(fs, exports.get(), name, args.number("size")).size();
            fs.syncfs(); // acknowledged = durable
            return describe(name, size, exports.get());
        }));
        router.register("nbd.resize", args -> guarded(() -> {
            String name = args.string("name");
            NbdDevices.lookup(fs, name);
            long size = NbdDevices.create(fs, exports.get(), name, args.number("size")).size();
            fs.syncfs(); // acknowledged = durable
            return describe(name, size, exports.get());
        }));
        router.register("nbd.delete", args -> guarded(() -> {
            String name = args.string("name");
            NbdDevices.delete(fs, exports.get(), name);
            fs.syncfs();
            return Map.of("name", name);
        }));
    }

    private static boolean exists(FileSystem fs, String name) {
        try {
            NbdDevices.lookup(fs, name);
            return true;
        } catch (FsException e) {
            if (e.errno() == cairn.engine.fs.Errno.ENOENT) return false;
            throw e;
        }
    }

    private static Map<String, Object> describe(String name, long size, NbdExports exports) {
        var map = new LinkedHashMap<String, Object>();
        map.put("name", name);
        map.put("size", size);
        map.put("connections", (long) exports.connections(name));
        return map;
    }

    /** Runs a device change, makes it durable, and turns filesystem errors into admin answers. */
    private static Object guarded(Supplier<Object> action) {
        try {
            return action.get();
        } catch (FsException e) {
            AdminException.Code code = switch (e.errno()) {
                case ENOENT -> AdminException.Code.NOT_FOUND;
                case EEXIST -> AdminException.Code.ALREADY_EXISTS;
                case EINVAL, ENAMETOOLONG -> AdminException.Code.BAD_REQUEST;
                case EROFS -> AdminException.Code.UNAVAILABLE;
                default -> AdminException.Code.FAILED;
            };
            throw new AdminException(code, e.getMessage());
        }
    }
}
