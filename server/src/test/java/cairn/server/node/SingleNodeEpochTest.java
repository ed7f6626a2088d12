package cairn.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.election.EpochLedger;
import cairn.engine.store.MemoryStore;
import cairn.engine.store.ObjectStore;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SingleNodeEpochTest {
    @Test
    void eachStartClaimsTheNextEpoch() {
        var store = new MemoryStore("epochs");
        assertEquals(1, SingleNodeEpoch.claim(store, "a", "127.0.0.1:2049"));
        assertEquals(2, SingleNodeEpoch.claim(store, "a", "127.0.0.1:2049"));
        assertEquals("a", new EpochLedger(store).latest().orElseThrow().nodeId());
    }

    @Test
    void aBucketWhereEveryClaimLosesIsAnErrorNotALoop() {
        var memory = new MemoryStore("contended");
        // Every create-if-absent of an epoch object loses, as if another node always won the race.
        ObjectStore losing = (ObjectStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ObjectStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("putIfAbsent")) {
                        memory.put((String) args[0], (byte[]) args[1], Map.of());
                        return memory.putIfAbsent((String) args[0], (byte[]) args[1], Map.of());
                    }
                    return method.invoke(memory, args);
                });
        var e = assertThrows(IllegalStateException.class, () -> SingleNodeEpoch.claim(losing, "b", ""));
        assertTrue(e.getMessage().contains("another node is starting"), e.getMessage());
    }
}
