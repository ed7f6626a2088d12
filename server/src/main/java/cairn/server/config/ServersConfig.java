package cairn.server.config;

import cairn.protocols.nfs.NfsExportOptions;
import java.util.Optional;

/**
 * {@code [servers.*]}: a section left out disables that server. {@code nfsExport} holds the export options
 * of {@code [servers.nfs]} (read-only, squashing, allowed networks); {@code nbdTls} the TLS settings of
 * {@code [servers.nbd]} (empty = {@code tls = "off"}).
 */
public record ServersConfig(
        Optional<ListenerConfig> nfs,
        Optional<ListenerConfig> ninep,
        Optional<ListenerConfig> nbd,
        Optional<ListenerConfig> http,
        NfsExportOptions nfsExport,
        Optional<NbdTlsConfig> nbdTls) {

    /** Servers with the default NFS export (read-write, no squashing, every client) and NBD without TLS. */
    public ServersConfig(Optional<ListenerConfig> nfs, Optional<ListenerConfig> ninep, Optional<ListenerConfig> nbd,
            Optional<ListenerConfig> http) {
        this(nfs, ninep, nbd, http, NfsExportOptions.DEFAULT, Optional.empty());
    }
}
