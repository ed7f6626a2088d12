package cairn.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** One {@code [servers.<name>]} section: TCP addresses and, for 9P and NBD, an optional Unix socket. */
public record ListenerConfig(List<HostPort> addresses, Optional<Path> unixSocket) {
    public ListenerConfig {
        addresses = List.copyOf(addresses);
    }
}
