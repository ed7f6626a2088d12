package cairn.server.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps admin commands to handlers. Every command of the protocol is listed in {@link #COMMANDS}; one whose
 * backing feature is not wired answers {@code NOT_AVAILABLE}, never a fake success.
 */
public final class AdminRouter {
    private static final Logger log = LoggerFactory.getLogger(AdminRouter.class);

    public static final List<String> COMMANDS = List.of(
            "status", "failover", "nbd.create", "nbd.list", "nbd.resize", "nbd.delete",
            "checkpoint.create", "checkpoint.list", "checkpoint.delete", "fsck");

    /** One command: arguments in, a JSON-able result out, {@link AdminException} for a clear failure. */
    @FunctionalInterface
    public interface Handler {
        Object handle(Args args);
    }

    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();

    public AdminRouter register(String command, Handler handler) {
        if (!COMMANDS.contains(command)) throw new IllegalArgumentException("not an admin command: " + command);
        handlers.put(command, handler);
        return this;
    }

    /** Handles one request object and returns the response object; never throws. */
    public Map<String, Object> dispatch(Map<String, Object> request) {
        var response = new LinkedHashMap<String, Object>();
        try {
            if (!(request.get("command") instanceof String command)) {
                throw new AdminException(AdminException.Code.BAD_REQUEST, "request has no \"command\" string");
            }
            Object rawArgs = request.getOrDefault("args", Map.of());
            if (!(rawArgs instanceof Map<?, ?> args)) throw new AdminException(AdminException.Code.BAD_REQUEST, "\"args\" must be an object");
            if (!COMMANDS.contains(command)) {
                throw new AdminException(AdminException.Code.UNKNOWN_COMMAND, "unknown admin command '" + command + "'");
            }
            Handler handler = handlers.get(command);
            if (handler == null) {
                throw new AdminException(AdminException.Code.NOT_AVAILABLE, command + " is not available yet in this build of Cairn");
            }
            Object result = handler.handle(new Args(args));
            response.put("ok", true);
            response.put("result", result);
        } catch (AdminException e) {
            response.put("ok", false);
            response.put("code", e.code().name());
            response.put("error", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("admin request {} failed", request.get("command"), e);
            response.put("ok", false);
            response.put("code", AdminException.Code.FAILED.name());
            response.put("error", String.valueOf(e.getMessage()));
        }
        return response;
    }

    /** Typed access to a request's arguments. */
    public record Args(Map<?, ?> values) {
        public String string(String name) {
            if (values.get(name) instanceof String s && !s.isEmpty()) return s;
            throw new AdminException(AdminException.Code.BAD_REQUEST, "argument '" + name + "' (a string) is missing");
        }

        /** An optional boolean argument; absent is false. */
        public boolean flag(String name) {
            Object value = values.get(name);
            if (value == null || value instanceof Boolean) return Boolean.TRUE.equals(value);
            throw new AdminException(AdminException.Code.BAD_REQUEST, "argument '" + name + "' must be true or false");
        }

        public long number(String name) {
            if (values.get(name) instanceof Long l) return l;
            throw new AdminException(AdminException.Code.BAD_REQUEST, "argument '" + name + "' (an integer) is missing");
        }
    }
}
