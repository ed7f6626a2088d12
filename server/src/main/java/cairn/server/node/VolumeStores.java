package cairn.server.node;

import cairn.engine.store.ObjectStore;
import cairn.server.config.CairnConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The configured object store for one-shot commands (change-password, fsck): no metrics endpoint to feed. */
public final class VolumeStores {
    private VolumeStores() {}

    public static ObjectStore open(CairnConfig config) {
        return Stores.open(config, new SimpleMeterRegistry());
    }
}
