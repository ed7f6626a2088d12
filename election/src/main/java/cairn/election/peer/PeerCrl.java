package cairn.election.peer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.CRL;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code peer_tls_crl}: the certificate revocation lists (PEM, several in one file, or one DER) that refuse a
 * peer whose certificate, or any certificate of the chain it presents, they list.
 *
 * <p>At start ({@link #load}) the file must hold at least one CRL, each signed by a CA of {@code peer_tls_ca}
 * and not expired (its next update is in the future): anything else is a start-up error. While the node runs,
 * the file is checked for a change (modification time, size or inode) at every peer handshake and at most once a
 * second on established connections; a changed file is read again and, if it passes the same checks, replaces
 * the CRLs in force (existing connections of a newly revoked peer are closed). A changed file that fails them
 * (half written, expired, signed by someone else) is logged as an error and skipped: the previous CRLs stay in
 * force until the file is fixed. A CRL that expires while the node runs stays in force, with a warning.
 */
public final class PeerCrl {
    /** A CRL file larger than this is refused (a CRL of a cluster CA is a few kB). */
    public static final long FILE_BYTES_MAX = 16L << 20;
    /** Established connections look at the file at most this often. */
    static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Logger log = LoggerFactory.getLogger(PeerCrl.class);

    /** The CRLs in force; {@code generation} grows with every successful reload. */
    record Revocations(long generation, List<X509CRL> crls) {
        static final Revocations NONE = new Revocations(0, List.of());

        /** Why {@code chain} is revoked, if a CRL of its issuer lists one of its certificates. */
        Optional<String> revoked(X509Certificate[] chain) {
            for (X509Certificate c : chain) {
                for (X509CRL crl : crls) {
                    if (!crl.getIssuerX500Principal().equals(c.getIssuerX500Principal())) continue;
                    X509CRLEntry entry = crl.getRevokedCertificate(c);
                    if (entry != null) {
                        return Optional.of("certificate " + c.getSubjectX500Principal().getName() + " (serial "
                                + c.getSerialNumber().toString(16) + ") was revoked on " + entry.getRevocationDate().toInstant()
                                + " by the CRL of " + crl.getIssuerX500Principal().getName());
                    }
                }
            }
            return Optional.empty();
        }

        /** The earliest next update of the CRLs, if any has one. */
        Optional<Instant> expires() {
            return crls.stream().map(X509CRL::getNextUpdate).filter(d -> d != null).map(Date::toInstant).min(Instant::compareTo);
        }
    }

    /** What tells one version of the file from another. */
    private record Version(FileTime modified, long size, Object fileKey) {}

    private final Path file;
    private final List<X509Certificate> cas;
    private volatile Revocations current;
    private volatile long checkedNanos;
    private Version version;
    private Version skipped;
    private boolean warnedExpired;

    private PeerCrl(Path file, List<X509Certificate> cas, Revocations current, Version version) {
        this.file = file;
        this.cas = List.copyOf(cas);
        this.current = current;
        this.version = version;
        this.checkedNanos = System.nanoTime();
    }

    /** No revocation list: every certificate the CA signed stays a peer. */
    public static PeerCrl none() {
        return new PeerCrl(null, List.of(), Revocations.NONE, null);
    }

    /**
     * The CRLs of {@code file}, checked against the CA certificates {@code cas}.
     *
     * @throws IllegalArgumentException if the file cannot be read, holds no CRL, or a CRL is not signed by one of
     *                                  {@code cas} or has expired (the message does not name the file)
     */
    public static PeerCrl load(Path file, List<X509Certificate> cas) {
        try {
            Version version = version(file);
            return new PeerCrl(file, cas, new Revocations(1, read(file, cas)), version);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read it: " + e.getMessage(), e);
        }
    }

    /** The file, unless there is no revocation list. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** How many certificates the CRLs in force list, all CRLs together (for logs). */
    public int revokedCount() {
        return current.crls().stream().mapToInt(c -> c.getRevokedCertificates() == null ? 0 : c.getRevokedCertificates().size()).sum();
    }

    /**
     * The CRLs in force, after reading the file again if it changed since it was last looked at; it is looked
     * at only if that was at least {@code maxAgeNanos} ago (0: now).
     */
    Revocations current(long maxAgeNanos) {
        if (file == null) return current;
        if (maxAgeNanos > 0 && System.nanoTime() - checkedNanos < maxAgeNanos) return current;
        synchronized (this) {
            checkedNanos = System.nanoTime();
            reloadIfChanged();
            warnIfExpired();
            return current;
        }
    }

    private void reloadIfChanged() {
        Version now;
        try {
            now = version(file);
        } catch (IOException e) {
            now = new Version(null, -1, e.toString()); // gone or unreadable: logged once, like a bad version
            if (!now.equals(skipped)) skip(now, "cannot read it: " + e);
            return;
        }
        if (now.equals(version) || now.equals(skipped)) return;
        try {
            var crls = read(file, cas);
            current = new Revocations(current.generation() + 1, crls);
            version = now;
            skipped = null;
            warnedExpired = false;
            log.info("raft peer channel: {} changed: {} CRL(s) listing {} certificate(s) now in force", file, crls.size(), revokedCount());
        } catch (IOException | IllegalArgumentException e) {
            skip(now, e.getMessage());
        }
    }

    private void skip(Version bad, String why) {
        skipped = bad;
        log.error("raft peer channel: {}: {}; the previous CRL stays in force until the file is fixed", file, why);
    }

    private void warnIfExpired() {
        Optional<Instant> expires = current.expires();
        if (warnedExpired || expires.isEmpty() || expires.get().isAfter(Instant.now())) return;
        warnedExpired = true;
        log.warn("raft peer channel: {}: a CRL expired at {}; it stays in force, but the node will not start with it: publish a fresh one",
                file, expires.get());
    }

    private static Version version(Path file) throws IOException {
        var a = Files.readAttributes(file, BasicFileAttributes.class);
        return new Version(a.lastModifiedTime(), a.size(), a.fileKey());
    }

    private static List<X509CRL> read(Path file, List<X509Certificate> cas) throws IOException {
        byte[] bytes;
        try (var in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) FILE_BYTES_MAX + 1); // bounded even if the file grows while it is read
        }
        if (bytes.length > FILE_BYTES_MAX) throw new IllegalArgumentException("larger than " + FILE_BYTES_MAX + " bytes");
        var crls = new ArrayList<X509CRL>();
        try {
            for (CRL crl : CertificateFactory.getInstance("X.509").generateCRLs(new ByteArrayInputStream(bytes))) crls.add((X509CRL) crl);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PEM or DER X.509 CRL: " + e.getMessage(), e);
        }
        if (crls.isEmpty()) throw new IllegalArgumentException("no CRL in it (-----BEGIN X509 CRL-----)");
        Instant now = Instant.now();
        for (X509CRL crl : crls) {
            checkSigned(crl, cas);
            if (crl.getNextUpdate() != null && !crl.getNextUpdate().toInstant().isAfter(now)) {
                throw new IllegalArgumentException("the CRL of " + crl.getIssuerX500Principal().getName() + " expired on "
                        + crl.getNextUpdate().toInstant() + " (its next update); publish a fresh one (openssl ca -gencrl)");
            }
        }
        return List.copyOf(crls);
    }

    private static void checkSigned(X509CRL crl, List<X509Certificate> cas) {
        for (X509Certificate ca : cas) {
            if (!ca.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) continue;
            try {
                crl.verify(ca.getPublicKey());
                return;
            } catch (GeneralSecurityException e) {
                // another CA of the same name may have signed it
            }
        }
        throw new IllegalArgumentException("the CRL of " + crl.getIssuerX500Principal().getName()
                + " is not signed by a CA of peer_tls_ca");
    }
}
