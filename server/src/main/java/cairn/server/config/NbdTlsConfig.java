package cairn.server.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS of {@code [servers.nbd]} ({@code NBD_OPT_STARTTLS}): absent when {@code tls = "off"}. With
 * {@code required}, a client must STARTTLS before any other option; with {@code optional}, it may.
 *
 * @param required     {@code tls = "required"} (else {@code "optional"})
 * @param certFile     {@code tls_cert}: PEM certificate chain, the server's certificate first
 * @param keyFile      {@code tls_key}: PEM private key (PKCS#8, or PKCS#1 RSA / SEC1 EC)
 * @param clientCaFile {@code tls_ca}: PEM CA certificates; when set, every client must present a certificate
 *                     signed by one of them (mutual TLS)
 */
public record NbdTlsConfig(boolean required, Path certFile, Path keyFile, Optional<Path> clientCaFile) {}
