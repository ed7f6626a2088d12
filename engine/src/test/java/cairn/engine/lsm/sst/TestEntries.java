package cairn.engine.lsm.sst;

import cairn.engine.lsm.Keys;
import cairn.engine.lsm.entry.Entry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/** Random entry sets in engine order, and the reference answers the readers must give. */
public final class TestEntries {
    private TestEntries() {}

    public static final Comparator<Entry> ENGINE_ORDER = (a, b) -> {
        int c = Keys.compare(a.key(), b.key());
        return c != 0 ? c : Long.compare(b.seq(), a.seq());
    };

    /** A random key: shared prefixes, varying lengths, sometimes empty. */
    public static byte[] key(Random r) {
        int prefix = r.nextInt(4);
        int len = r.nextInt(24);
        byte[] k = new byte[1 + len];
        k[0] = (byte) ('a' + prefix);
        for (int i = 1; i < k.length; i++) k[i] = (byte) (r.nextInt(4) == 0 ? r.nextInt(256) : 'a' + r.nextInt(3));
        return k;
    }

    public static byte[] value(Random r, int bigEvery) {
        int len = bigEvery > 0 && r.nextInt(bigEvery) == 0 ? 20_000 + r.nextInt(100_000) : r.nextInt(4) == 0 ? 0 : r.nextInt(300);
        byte[] v = new byte[len];
        // half compressible, half random
        if (r.nextBoolean()) r.nextBytes(v);
        else for (int i = 0; i < len; i++) v[i] = (byte) ('x' + (i % 3));
        return v;
    }

    /** {@code keys} distinct keys with 1..maxVersions versions each (distinct seqs, random kinds), sorted. */
    public static List<Entry> random(Random r, int keys, int maxVersions, int bigEvery) {
        var distinct = new TreeSet<byte[]>(Keys::compare);
        while (distinct.size() < keys) distinct.add(key(r));
        List<Entry> out = new ArrayList<>();
        for (byte[] k : distinct) {
            int versions = 1 + r.nextInt(maxVersions);
            var seqs = new TreeSet<Long>();
            while (seqs.size() < versions) seqs.add((long) r.nextInt(10_000));
            for (long s : seqs.descendingSet()) {
                int kind = r.nextInt(10);
                if (kind == 0) out.add(new Entry(k, s, Entry.Kind.DELETE, Entry.EMPTY));
                else if (kind == 1) out.add(new Entry(k, s, Entry.Kind.POINTER, value(r, 0)));
                else out.add(new Entry(k, s, Entry.Kind.PUT, value(r, bigEvery)));
            }
        }
        return out;
    }

    /** The newest version of {@code key} with seq <= maxSeq in a sorted list, or null. */
    public static Entry newest(List<Entry> sorted, byte[] key, long maxSeq) {
        for (Entry e : sorted) {
            int c = Keys.compare(e.key(), key);
            if (c > 0) break;
            if (c == 0 && e.seq() <= maxSeq) return e;
        }
        return null;
    }

    public static boolean same(Entry a, Entry b) {
        if (a == null || b == null) return a == b;
        return java.util.Arrays.equals(a.key(), b.key()) && a.seq() == b.seq() && a.kind() == b.kind()
                && java.util.Arrays.equals(a.value(), b.value());
    }

    public static String show(Entry e) {
        return e == null ? "null" : new String(e.key(), java.nio.charset.StandardCharsets.ISO_8859_1) + "@" + e.seq() + ":" + e.kind() + "/" + e.value().length;
    }
}
