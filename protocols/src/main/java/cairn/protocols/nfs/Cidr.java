package cairn.protocols.nfs;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** A client network such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a /32 or /128. */
public record Cidr(InetAddress network, int prefixBits) {
    public static final Cidr ANY_V4 = parse("0.0.0.0/0");
    public static final Cidr ANY_V6 = parse("::/0");

    public Cidr {
        int max = network.getAddress().length * 8;
        if (prefixBits < 0 || prefixBits > max) throw new IllegalArgumentException("prefix /" + prefixBits);
    }

    /** Parses a literal address with an optional prefix length (no host names are resolved). */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        if (!host.matches("[0-9a-fA-F.:]+")) throw new IllegalArgumentException("not an address: " + text);
        try {
            InetAddress address = InetAddress.getByName(host);
            int bits = slash < 0 ? address.getAddress().length * 8 : Integer.parseInt(text.substring(slash + 1));
            return new Cidr(address, bits);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("not a network: " + text, e);
        }
    }

    public boolean contains(InetAddress address) {
        byte[] a = unmapped(address).getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) return false;
        int bits = prefixBits;
        for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((a[i] & mask) != (n[i] & mask)) return false;
        }
        return true;
    }

    /** An IPv4-mapped IPv6 address (a dual-stack socket) as the IPv4 address it is. */
    private static InetAddress unmapped(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) mapped = b[i] == 0;
            if (mapped) {
                try {
                    return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return address;
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixBits;
    }
}
