package cairn.protocols.nbd;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which exports have open connections. Admin commands ask {@link #inUse} before deleting or shrinking a device;
 * {@link NbdDevices} enforces it.
 */
public final class NbdExports {
    private final Map<String, Integer> connections = new ConcurrentHashMap<>();

    public boolean inUse(String name) {
        return connections.containsKey(name);
    }

    /** Open connections to {@code name}. */
    public int connections(String name) {
        return connections.getOrDefault(name, 0);
    }

    void acquire(String name) {
        connections.merge(name, 1, Integer::sum);
    }

    void release(String name) {
        connections.computeIfPresent(name, (k, n) -> n == 1 ? null : n - 1);
    }
}
