package cairn.election;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@code on_promote} / {@code on_demote} commands (e.g. move a VIP) with {@code sh -c}, passing
 * CAIRN_ROLE, CAIRN_EPOCH and CAIRN_NODE_ID in the environment, under a timeout. A failing hook is logged and
 * reported; it never changes the role (the fencing token, not the VIP, is what keeps data safe).
 */
public final class HookRunner {

    private static final Logger log = LoggerFactory.getLogger(HookRunner.class);

    private final String onPromote;
    private final String onDemote;
    private final Duration timeout;

    public HookRunner(String onPromote, String onDemote, Duration timeout) {
        this.onPromote = onPromote;
        this.onDemote = onDemote;
        this.timeout = timeout;
    }

    public static HookRunner none() {
        return new HookRunner(null, null, Duration.ofSeconds(30));
    }

    public boolean promoted(String nodeId, long epoch) {
        return run(onPromote, "leader", nodeId, epoch);
    }

    public boolean demoted(String nodeId, long epoch) {
        return run(onDemote, "standby", nodeId, epoch);
    }

    /** Returns true when there is no hook or it exited 0 in time. */
    private boolean run(String command, String role, String nodeId, long epoch) {
        if (command == null || command.isBlank()) return true;
        var pb = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).inheritIO();
        pb.environment().put("CAIRN_ROLE", role);
        pb.environment().put("CAIRN_EPOCH", Long.toString(epoch));
        pb.environment().put("CAIRN_NODE_ID", nodeId);
        try {
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                log.error("{} hook timed out after {} ms: {}", role, timeout.toMillis(), command);
                return false;
            }
            if (p.exitValue() != 0) log.error("{} hook exited {}: {}", role, p.exitValue(), command);
            return p.exitValue() == 0;
        } catch (IOException e) {
            log.error("{} hook could not start: {}: {}", role, command, e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
