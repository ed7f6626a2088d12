package cairn.protocols.nfs;

import cairn.engine.fs.Caller;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.FsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Linux kernel NFSv3 client in the e2e QEMU guest (TCG, minutes) against this server on the real engine.
 * Opt-in: {@code -Dcairn.e2e.cache=/path/to/e2e/cache} (a guest built by {@code e2e/lib/build-guest.sh});
 * needs qemu-system-x86_64. The guest reaches the host's 127.0.0.1 at 10.0.2.2.
 */
@EnabledIfSystemProperty(named = "cairn.e2e.cache", matches = ".+")
class KernelClientTest {
    @TempDir
    Path tmp;

    @Test
    void linuxClientMountsAndWorks() throws Exception {
        try (var volume = new TestVolume();
             var server = new NfsTestServer(volume.fs, NfsExportOptions.DEFAULT, new InetSocketAddress("127.0.0.1", 0))) {
            int port = server.address.getPort();
            Path script = tmp.resolve("guest.sh");
            Files.writeString(script, """
                    set -eu
                    # the verdict goes into /result on the export itself: the test reads it through the filesystem,
                    # whatever serial port the guest's init uses for output and status
                    check() { what="$1"; shift; if "$@"; then echo "$what: ok"; else echo "$what: FAILED" > /mnt/nfs/result; exit 1; fi; }
                    mkdir -p /mnt/nfs
                    mount -t nfs -o vers=3,proto=tcp,port=PORT,mountport=PORT,mountproto=tcp,nolock 10.0.2.2:/ /mnt/nfs
                    cd /mnt/nfs
                    echo hello > a.txt
                    check "write and read" [ "$(cat a.txt)" = hello ]
                    mkdir -p d/e
                    mv a.txt d/e/b.txt
                    ln d/e/b.txt hard
                    ln -s d/e/b.txt soft
                    check "rename, link, symlink" [ "$(cat soft)" = hello ] && [ "$(stat -c %h hard)" = 2 ]
                    chmod 640 hard; touch -d @1000000000 hard
                    check "chmod and utimes" [ "$(stat -c %a:%Y hard)" = 640:1000000000 ]
                    mkfifo fifo; check "mkfifo" [ -p fifo ]
                    i=0; while [ $i -lt 600 ]; do : > d/f$i; i=$((i+1)); done
                    check "readdir of 600 entries" [ "$(ls d | wc -l)" = 601 ]
                    dd if=/dev/urandom of=blob bs=1M count=8 conv=fsync status=none
                    sum="$(sha256sum < blob)"
                    truncate -s 3M blob; check "truncate" [ "$(stat -c %s blob)" = 3145728 ]
                    head -c 3M /dev/zero > /dev/null
                    cd /; umount /mnt/nfs
                    mount -t nfs -o vers=3,proto=tcp,port=PORT,mountport=PORT,mountproto=tcp,nolock 10.0.2.2:/ /mnt/nfs
                    cd /mnt/nfs
                    check "after remount" [ "$(cat d/e/b.txt)" = hello ] && [ "$(stat -c %s blob)" = 3145728 ]
                    rm -f d/f* hard soft fifo blob; rm -r d
                    check "rm -r" [ "$(ls -A | grep -v '^.nbd$' | wc -l)" = 0 ]
                    ( set -C; : > x )
                    check "exclusive create (O_EXCL)" [ -f x ]
                    check "exclusive create refuses an existing name" sh -c '! ( set -C; : > x ) 2>/dev/null'
                    rm x
                    echo "all ok" > result
                    cd /; umount /mnt/nfs
                    """.replace("PORT", String.valueOf(port)));
            Path boot = Path.of(System.getProperty("user.dir")).getParent().resolve("e2e/lib/boot.sh");
            var pb = new ProcessBuilder("bash", boot.toString(), script.toString(), "900")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("out").toFile());
            pb.environment().put("CAIRN_E2E_CACHE", System.getProperty("cairn.e2e.cache"));
            var p = pb.start();
            assertTrue(p.waitFor(960, TimeUnit.SECONDS), "guest timed out");
            String out = Files.readString(tmp.resolve("out"));
            long result;
            try {
                result = volume.fs.lookup(Caller.ROOT, FileSystem.ROOT_INODE, "result").ino();
            } catch (FsException e) {
                throw new AssertionError("the guest wrote no verdict; boot output:\n" + out, e);
            }
            String verdict = new String(volume.fs.read(Caller.ROOT, result, 0, 4096).data()).trim();
            assertEquals("all ok", verdict, out);
        }
    }
}
