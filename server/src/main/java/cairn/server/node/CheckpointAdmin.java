package cairn.server.node;

import cairn.engine.lsm.LsmDb;
import cairn.engine.lsm.manifest.Checkpoint;
import cairn.server.admin.AdminException;
import cairn.server.admin.AdminRouter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code checkpoint.create|list|delete} on the node's engine. */
final class CheckpointAdmin {
    private CheckpointAdmin() {}

    static void register(AdminRouter router, LsmDb db) {
        router.register("checkpoint.list", args -> db.checkpoints().stream().map(CheckpointAdmin::describe).toList());
        router.register("checkpoint.create", args -> {
            requireWriter(db);
            String name = args.values().get("name") instanceof String s ? s : "";
            return describe(db.createCheckpoint(name, 0));
        });
        router.register("checkpoint.delete", args -> {
            requireWriter(db);
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

    private static void requireWriter(LsmDb db) {
        if (db.readOnly()) throw new AdminException(AdminException.Code.UNAVAILABLE, "this node serves the volume read-only");
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
