package cairn.engine.store;

/**
 * Thrown by a {@link FaultInjectingStore} whose process is "dead". An {@link Error}, so that code catching
 * exceptions to retry or report cannot swallow it: like a real crash, it ends whatever was running.
 */
public final class SimulatedCrash extends Error {
    public SimulatedCrash(String message) {
        super(message);
    }
}
