package cairn.engine.crypto;

/**
 * Argon2id cost parameters, stored in each key object. {@link #DEFAULT} takes roughly 0.3-0.5 s on a
 * current server core; tests use {@link #CHEAP}. Limits keep a hostile key object from demanding absurd work.
 */
public record KdfParams(int memoryKiB, int iterations, int parallelism) {
    public static final KdfParams DEFAULT = new KdfParams(64 * 1024, 2, 1);
    /** For tests only: milliseconds, no protection against guessing. */
    public static final KdfParams CHEAP = new KdfParams(64, 1, 1);

    static final int MEMORY_KIB_MAX = 1 << 20; // 1 GiB
    static final int ITERATIONS_MAX = 64;
    static final int PARALLELISM_MAX = 16;

    public KdfParams {
        if (parallelism < 1 || parallelism > PARALLELISM_MAX) throw new IllegalArgumentException("parallelism outside 1..16");
        if (iterations < 1 || iterations > ITERATIONS_MAX) throw new IllegalArgumentException("iterations outside 1..64");
        if (memoryKiB < 8 * parallelism || memoryKiB > MEMORY_KIB_MAX) {
            throw new IllegalArgumentException("memory outside 8*parallelism KiB .. 1 GiB");
        }
    }
}
