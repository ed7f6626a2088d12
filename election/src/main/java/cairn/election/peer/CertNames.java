package cairn.election.peer;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The names a peer certificate gives its node: every common name (CN) of its subject and every DNS name of its
 * subject alternative names. Peer TLS requires that exactly one of them be a member's node id.
 */
final class CertNames {
    private static final int SAN_DNS = 2;

    private CertNames() {}

    /** Every CN and SAN dNSName of {@code cert}. */
    static Set<String> of(X509Certificate cert) {
        var names = new TreeSet<String>();
        names.addAll(commonNames(cert));
        names.addAll(dnsNames(cert));
        return names;
    }

    /** The member ids {@code cert} names. */
    static Set<String> memberIds(X509Certificate cert, PeerMembers members) {
        var named = new TreeSet<>(of(cert));
        named.retainAll(members.ids());
        return named;
    }

    /** The subject and DNS names of {@code cert}, for messages. */
    static String describe(X509Certificate cert) {
        List<String> dns = dnsNames(cert);
        return "subject " + cert.getSubjectX500Principal().getName() + (dns.isEmpty() ? "" : ", DNS names " + dns);
    }

    private static List<String> commonNames(X509Certificate cert) {
        var out = new ArrayList<String>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) out.add(String.valueOf(rdn.getValue()));
            }
        } catch (InvalidNameException e) {
            // an RFC 2253 name from the JDK always parses; a certificate without CN names nothing here
        }
        return out;
    }

    private static List<String> dnsNames(X509Certificate cert) {
        var out = new ArrayList<String>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans == null) return out;
            for (List<?> san : sans) {
                if (san.size() >= 2 && san.get(0) instanceof Integer type && type == SAN_DNS && san.get(1) instanceof String name) {
                    out.add(name);
                }
            }
        } catch (CertificateParsingException e) {
            // an unreadable SAN extension names nothing
        }
        return out;
    }
}
