package cairn.engine.store;

/**
 * A switch that holds callers while it is paused (a simulated SIGSTOP of whatever sits behind it), and
 * counts them so a test can wait until a call is stuck. Used by {@link FaultInjectingStore} and the chaos
 * module's S3 proxy.
 */
public final class PauseGate {
    private boolean paused;
    private int blocked;

    public synchronized void pause() {
        paused = true;
    }

    public synchronized void resume() {
        paused = false;
        notifyAll();
    }

    public synchronized boolean paused() {
        return paused;
    }

    /** Callers held right now. */
    public synchronized int blocked() {
        return blocked;
    }

    /** Returns at once when not paused, otherwise when {@link #resume()} is called. */
    public synchronized void await() throws InterruptedException {
        if (!paused) return;
        blocked++;
        try {
            while (paused) wait();
        } finally {
            blocked--;
        }
    }
}
