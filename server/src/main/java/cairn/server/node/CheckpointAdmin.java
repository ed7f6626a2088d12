package cairn.server.node;

import cairn.engine.lsm.LsmDb;
import cairn.engine.lsm.manifest.Checkpoint;
import cairn.server.admin.AdminException;
import cairn.server.admin.AdminRouter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code checkpoint.create|list|delete} on the node's engine. On an HA node the engine changes with the role:
 * the writer while it leads (create and delete go there), the standby's reader otherwise (list only).
 */
final class CheckpointAdmin {
    private CheckpointAdmin() {}

    static void register(AdminRouter router, LsmDb db) {
        register(router, () -> Optional.of(db), () -> "this node serves the volume read-only");
    }

    /** {@code notWriter} says why this node cannot change checkpoints now (and where the writer is). */
    static void register(AdminRouter router, Supplier<Optional<LsmDb>> engine, Supplier<String> notWriter) {
        router.register("checkpoint.list", args -> open(engine).checkpoints().stream().map(CheckpointAdmin::describe).toList());
        router.register("checkpoint.create", args -> {
            LsmDb db = writer(engine, notWriter);
            String name = args.values().get("name") instanceof String s ? s : "";
            return describe(db.createCheckpoint(name, 0));
        });
        router.register("checkpoint.delete", args -> {
            LsmDb db = writer(engine, notWriter);
            long id;
            try {
                id = Long.parseLong(args.string("id"));
            } catch (NumberFormatException e) {
                throw new AdminException(AdminException.Code.BAD_REQUEST, "checkpoint id must be a number");
            }
            if (db.checkpoints().stream().noneMatch(c -> c.id() == id)) {
                throw new AdminException(AdminException.Code.NOT_FOUND, "no checkpoint " + id);
            }
            db.deleteCheckpoint(id);
            return Map.of("id", id);
        });
    }

    private static LsmDb open(Supplier<Optional<LsmDb>> engine) {
        return engine.get().orElseThrow(() -> new AdminException(AdminException.Code.UNAVAILABLE, "the volume is not open"));
    }

    private static LsmDb writer(Supplier<Optional<LsmDb>> engine, Supplier<String> notWriter) {
        LsmDb db = open(engine);
        if (db.readOnly()) throw new AdminException(AdminException.Code.UNAVAILABLE, notWriter.get());
        return db;
    }

    private static Map<String, Object> describe(Checkpoint c) {
        var map = new LinkedHashMap<String, Object>();
        map.put("id", c.id());
        map.put("name", c.name());
        map.put("manifest_id", c.manifestId());
        map.put("expires_at", c.expiresAtMs() == 0 ? "never" : Instant.ofEpochMilli(c.expiresAtMs()).toString());
        return map;
    }
}
