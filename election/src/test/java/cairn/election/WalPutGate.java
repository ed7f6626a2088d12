package cairn.election;

import cairn.engine.lsm.wal.WalNames;
import cairn.engine.store.ConditionalPut;
import cairn.engine.store.ForwardingStore;
import cairn.engine.store.ObjectStore;
import cairn.engine.store.PauseGate;
import java.util.Map;

/** Holds one node's WAL writes (a slow S3 PUT) while paused; every other call passes. */
final class WalPutGate extends ForwardingStore {
    private final PauseGate gate = new PauseGate();

    WalPutGate(ObjectStore inner) {
        super(inner);
    }

    void pause() {
        gate.pause();
    }

    void resume() {
        gate.resume();
    }

    int held() {
        return gate.blocked();
    }

    @Override
    public ConditionalPut putIfAbsent(String key, byte[] data, Map<String, String> metadata) {
        if (key.startsWith(WalNames.PREFIX)) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while held", e);
            }
        }
        return super.putIfAbsent(key, data, metadata);
    }
}
