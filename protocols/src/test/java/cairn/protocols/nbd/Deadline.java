package cairn.protocols.nbd;

import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Waits for a condition with a deadline (never a bare sleep as synchronisation). */
final class Deadline {
    private Deadline() {}

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) fail("timed out waiting for: " + what);
            Thread.sleep(5);
        }
    }
}
