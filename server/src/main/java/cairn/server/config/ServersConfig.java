package cairn.server.config;

import java.util.Optional;

/** {@code [servers.*]}: a section left out disables that server. */
public record ServersConfig(
        Optional<ListenerConfig> nfs,
        Optional<ListenerConfig> ninep,
        Optional<ListenerConfig> nbd,
        Optional<ListenerConfig> http) {}
