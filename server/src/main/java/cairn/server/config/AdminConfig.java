package cairn.server.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code [admin]}: besides the local Unix socket (always on), an optional TCP endpoint that requires the bearer
 * token in {@code token_file} (mode 0600) and, with {@code tls_cert} + {@code tls_key} (PEM), speaks TLS.
 * TLS is mandatory unless the address is loopback.
 */
public record AdminConfig(Optional<HostPort> address, Optional<Path> tokenFile, Optional<Tls> tls) {
    public static final AdminConfig DEFAULT = new AdminConfig(Optional.empty(), Optional.empty(), Optional.empty());

    /** PEM certificate chain and PKCS#8 private key of the admin endpoint. */
    public record Tls(Path certFile, Path keyFile) {}
}
