package cairn.engine.crypto;

import java.util.Random;

/** Quick single-thread throughput check (not a test): {@code java -cp ... cairn.engine.crypto.CryptoThroughput}. */
public final class CryptoThroughput {
    public static void main(String[] args) {
        byte[] value = new byte[64 * 1024];
        Random r = new Random(1);
        for (int i = 0; i < value.length; i++) value[i] = (byte) (r.nextInt(4) == 0 ? r.nextInt() : i / 64); // compressible
        byte[] key = new byte[32];
        var aead = new XChaCha20Poly1305(key);
        measure("xchacha20-poly1305 seal", value.length, () -> aead.seal(key, value));
        byte[] sealed = aead.seal(key, value);
        measure("xchacha20-poly1305 open", value.length, () -> {
            try {
                aead.open(key, sealed);
            } catch (javax.crypto.AEADBadTagException e) {
                throw new IllegalStateException(e);
            }
        });
        for (Compression c : new Compression[] {Compression.lz4(), Compression.zstd(1), Compression.zstd(3)}) {
            measure("compress " + c.compress(value)[0] + " ratio " + (value.length * 100 / c.compress(value).length) / 100.0,
                    value.length, () -> c.compress(value));
            byte[] framed = c.compress(value);
            measure("decompress " + framed[0], value.length, () -> c.decompress(framed));
        }
        var codec = new ValueCodec(key, Compression.lz4());
        measure("ValueCodec lz4 seal", value.length, () -> codec.seal(key, value));
        long t0 = System.nanoTime(), c0 = cpuNs();
        KeyManager.derive(Secret.password("some password"), KdfParams.DEFAULT, new byte[16]);
        System.out.printf("argon2id default params: %.0f ms wall, %.0f ms cpu%n",
                (System.nanoTime() - t0) / 1e6, (cpuNs() - c0) / 1e6);
    }

    private static long cpuNs() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static void measure(String what, int bytes, Runnable op) {
        for (int i = 0; i < 2000; i++) op.run();
        long t0 = System.nanoTime(), c0 = cpuNs();
        int n = 0;
        while (System.nanoTime() - t0 < 1_000_000_000L) {
            op.run();
            n++;
        }
        double wall = (double) n * bytes / ((System.nanoTime() - t0) / 1e9) / 1e6;
        double cpu = (double) n * bytes / ((cpuNs() - c0) / 1e9) / 1e6;
        System.out.printf("%-40s %8.0f MB/s wall %8.0f MB/s per cpu-second%n", what, wall, cpu);
    }
}
