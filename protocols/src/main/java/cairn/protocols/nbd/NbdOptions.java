package cairn.protocols.nbd;

import io.netty.handler.ssl.SslContext;

/**
 * Server settings.
 *
 * @param readOnly             serve every export read-only (also implied by a read-only filesystem)
 * @param tls                  server TLS context for {@code NBD_OPT_STARTTLS}, or null for no TLS
 * @param tlsRequired          refuse every option but STARTTLS and ABORT until TLS is up (FORCEDTLS mode)
 * @param inFlightBytesMax     per-connection memory budget: request payloads and read replies not yet written;
 *                             above it the server stops decoding and reading until replies drain
 * @param requestsInFlightMax  per-connection bound on requests being served at once (same backpressure)
 * @param handshakeTimeoutMs   a connection that has not reached transmission after this long is closed
 * @param optionsMax           options one connection may send before it is considered hostile and closed
 */
public record NbdOptions(boolean readOnly, SslContext tls, boolean tlsRequired, long inFlightBytesMax,
                         int requestsInFlightMax, long handshakeTimeoutMs, int optionsMax) {

    public NbdOptions {
        if (tlsRequired && tls == null) throw new IllegalArgumentException("tlsRequired needs a TLS context");
        if (inFlightBytesMax < 1) throw new IllegalArgumentException("inFlightBytesMax must be positive");
        if (requestsInFlightMax < 1) throw new IllegalArgumentException("requestsInFlightMax must be positive");
        if (handshakeTimeoutMs < 1) throw new IllegalArgumentException("handshakeTimeoutMs must be positive");
        if (optionsMax < 1) throw new IllegalArgumentException("optionsMax must be positive");
    }

    /** Read-write, no TLS, 64 MiB and 512 requests in flight per connection, 30 s to finish the handshake. */
    public static NbdOptions defaults() {
        return new NbdOptions(false, null, false, 64L << 20, 512, 30_000, 1_000);
    }

    public NbdOptions withReadOnly(boolean value) {
        return new NbdOptions(value, tls, tlsRequired, inFlightBytesMax, requestsInFlightMax, handshakeTimeoutMs,
                optionsMax);
    }

    public NbdOptions withTls(SslContext context, boolean required) {
        return new NbdOptions(readOnly, context, required, inFlightBytesMax, requestsInFlightMax,
                handshakeTimeoutMs, optionsMax);
    }

    public NbdOptions withInFlight(long bytesMax, int requestsMax) {
        return new NbdOptions(readOnly, tls, tlsRequired, bytesMax, requestsMax, handshakeTimeoutMs, optionsMax);
    }

    public NbdOptions withHandshakeTimeoutMs(long value) {
        return new NbdOptions(readOnly, tls, tlsRequired, inFlightBytesMax, requestsInFlightMax, value, optionsMax);
    }
}
