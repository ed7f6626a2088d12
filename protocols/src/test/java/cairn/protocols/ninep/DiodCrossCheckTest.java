package cairn.protocols.ninep;

import static cairn.protocols.ninep.wire.Protocol.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cairn.engine.fs.Caller;
import cairn.engine.fs.FileSystem;
import cairn.engine.fs.SetAttr;
import cairn.engine.testing.Await;
import cairn.protocols.ninep.client.NinepClient;
import cairn.protocols.ninep.client.NinepException;
import cairn.protocols.ninep.wire.Dirent;
import cairn.protocols.ninep.wire.Rmessage.Rgetattr;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs one client scenario with our client against diod (the reference 9P2000.L server, Debian package
 * {@code diod}) and against our server, and requires the same observable results: errno values, directory
 * listings, and the getattr fields both servers must agree on. Skipped when diod is not installed or cannot
 * serve here (it needs to run as root to switch to the attaching uid). diod 1.0.24 answers Tunlinkat and
 * Trenameat with EOPNOTSUPP (Linux then falls back to Tremove/Trename), so the shared scenario uses those.
 */
class DiodCrossCheckTest {

    private static String diodPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "diod");
            if (Files.isExecutable(p)) return p.toString();
        }
        for (String p : List.of("/usr/sbin/diod", "/sbin/diod")) if (Files.isExecutable(Path.of(p))) return p;
        return null;
    }

    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean accepting(int port) {
        try (var s = new Socket("127.0.0.1", port)) {
            return s.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void sameResultsAsDiod(@TempDir Path export) throws Exception {
        String diod = diodPath();
        assumeTrue(diod != null, "diod not installed (apt-get install -y diod): cross-check skipped");
        assumeTrue("root".equals(System.getProperty("user.name")),
                "diod must run as root to serve per-uid attaches: cross-check skipped");
        Files.setPosixFilePermissions(export, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        int port = freePort();
        Process p = new ProcessBuilder(diod, "-f", "-n", "-N", "-l", "127.0.0.1:" + port, "-e", export.toString(),
                "-L", "stderr").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Await.until("diod listening on " + port, Duration.ofSeconds(60), () -> {
                assumeTrue(p.isAlive(), () -> "diod exited with " + p.exitValue() + ": cross-check skipped");
                return accepting(port);
            });
            List<String> reference = scenario(new InetSocketAddress("127.0.0.1", port), export.toString());
            List<String> ours;
            var probe = new FsProbe();
            probe.real.setattr(Caller.ROOT, FileSystem.ROOT_INODE, SetAttr.mode(0777)); // as the diod export
            try (var fx = new ServerFixture(probe.fs, NinepOptions.defaults())) {
                ours = scenario(fx.address(), "");
            }
            for (int i = 0; i < Math.max(reference.size(), ours.size()); i++) {
                String want = i < reference.size() ? reference.get(i) : "(none)";
                String got = i < ours.size() ? ours.get(i) : "(none)";
                assertEquals(want, got, "step " + i + " differs from diod");
            }
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String outcome(Callable<Object> step) {
        try {
            Object r = step.call();
            return r == null ? "ok" : r.toString();
        } catch (NinepException e) {
            return "errno " + e.errno();
        } catch (Exception e) {
            return "failed " + e;
        }
    }

    private static String anyError(String outcome) {
        return outcome.startsWith("errno ") ? "error" : outcome;
    }

    private static String fields(Rgetattr a) {
        return "mode=" + Integer.toOctalString(a.mode()) + " uid=" + a.uid() + " nlink=" + a.nlink() + " size="
                + a.size() + " qtype=" + a.qid().type() + " valid&basic=" + Long.toHexString(a.valid() & GETATTR_BASIC);
    }

    private static List<String> scenario(InetSocketAddress address, String aname) throws IOException {
        List<String> out = new ArrayList<>();
        try (var c = NinepClient.connect(address, 65536); var user = NinepClient.connect(address, 65536)) {
            out.add("attach " + outcome(() -> c.attach(0, "root", aname, 0).type()));
            out.add("mkdir " + outcome(() -> c.mkdir(0, "d", 0755, 0).type()));
            out.add("mkdir again " + outcome(() -> c.mkdir(0, "d", 0755, 0)));
            out.add("walk missing " + outcome(() -> c.walk(0, 1, "nope")));
            out.add("walk partial " + outcome(() -> c.walk(0, 1, "d", "nope", "x").size()));
            out.add("walk d " + outcome(() -> c.walk(0, 1, "d").size()));
            out.add("lcreate " + outcome(() -> {
                c.walk(1, 2);
                return c.lcreate(2, "f", O_RDWR, 0644, 0).qid().type();
            }));
            out.add("write " + outcome(() -> c.write(2, 0, "hello".getBytes(StandardCharsets.UTF_8))));
            out.add("read " + outcome(() -> new String(c.read(2, 1, 100), StandardCharsets.UTF_8)));
            out.add("read past end " + outcome(() -> c.read(2, 100, 10).length));
            out.add("fsync " + outcome(() -> {
                c.fsync(2);
                return null;
            }));
            out.add("lcreate excl " + outcome(() -> c.lcreate(c.walkClone(1), "f", O_RDWR | O_EXCL, 0644, 0)));
            out.add("clunk " + outcome(() -> {
                c.clunk(2);
                return null;
            }));
            out.add("getattr " + outcome(() -> {
                c.walk(1, 3, "f");
                return fields(c.getattr(3, GETATTR_ALL));
            }));
            out.add("setattr " + outcome(() -> {
                c.setattr(3, SETATTR_MODE | SETATTR_SIZE | SETATTR_MTIME | SETATTR_MTIME_SET, 0600, 0, 0, 3, 0, 0,
                        1_000_000, 42);
                Rgetattr a = c.getattr(3, GETATTR_ALL);
                return fields(a) + " mtime=" + a.mtimeSec() + "." + a.mtimeNsec();
            }));
            out.add("remove nonempty dir " + outcome(() -> {
                c.remove(c.walkClone(1));
                return null;
            }));
            out.add("symlink " + outcome(() -> c.symlink(1, "l", "f", 0).type()));
            out.add("readlink " + outcome(() -> {
                c.walk(1, 4, "l");
                return c.readlink(4);
            }));
            out.add("readlink of file " + outcome(() -> c.readlink(3)));
            out.add("link " + outcome(() -> {
                c.link(1, 3, "g");
                return c.getattr(3, GETATTR_NLINK).nlink();
            }));
            out.add("link exists " + outcome(() -> {
                c.link(1, 3, "g");
                return null;
            }));
            out.add("rename " + outcome(() -> {
                c.walk(1, 8, "g");
                c.rename(8, 1, "h");
                return c.walk(1, 9, "g").size();
            }));
            out.add("mknod fifo " + outcome(() -> c.mknod(1, "p", 0010644, 0, 0, 0).type()));
            out.add("readdir " + outcome(() -> {
                c.walk(1, 5);
                c.lopen(5, O_RDONLY);
                var names = new TreeSet<String>();
                for (Dirent e : c.readdirAll(5)) names.add(e.name() + ":" + e.type());
                return names;
            }));
            out.add("walk from open fid " + outcome(() -> c.walk(5, 10, "f").size()));
            out.add("xattrwalk from open fid " + outcome(() -> {
                c.xattrwalk(5, 11, "");
                c.clunk(11);
                return null;
            }));
            out.add("reopen " + anyError(outcome(() -> c.lopen(5, O_RDONLY))));
            out.add("readdir unopened " + outcome(() -> c.readdir(1, 0, 4096).size()));
            out.add("xattr " + outcome(() -> {
                c.setxattr(3, "user.k", "v1".getBytes(StandardCharsets.UTF_8), 0);
                return new String(c.getxattr(3, "user.k"), StandardCharsets.UTF_8) + " " + c.listxattr(3);
            }));
            out.add("xattr missing " + outcome(() -> c.getxattr(3, "user.none")));
            out.add("lock " + outcome(() -> {
                c.walk(1, 6, "f");
                c.lopen(6, O_RDWR);
                return c.lock(6, LOCK_TYPE_WRLCK, 0, 0, 10, 1, "x") + "/" + c.lock(6, LOCK_TYPE_UNLCK, 0, 0, 10, 1, "x");
            }));
            out.add("statfs " + outcome(() -> c.statfs(0).type() == V9FS_MAGIC));
            out.add("user attach " + outcome(() -> user.attach(0, "", aname, 1000).type()));
            out.add("user open 0600 " + outcome(() -> {
                user.walk(0, 1, "d", "f");
                return user.lopen(1, O_RDONLY);
            }));
            out.add("user mkdir in 0755 " + outcome(() -> user.mkdir(user.walkClone(0), "x", 0755, 1000).type()));
            out.add("user walk " + outcome(() -> user.walk(0, 2, "d").size()));
            out.add("user mkdir in root-owned " + outcome(() -> user.mkdir(2, "x", 0755, 1000)));
            out.add("remove " + outcome(() -> {
                c.walk(1, 7, "h");
                c.remove(7);
                return null;
            }));
            out.add("remove again " + outcome(() -> {
                c.walk(1, 7, "h");
                c.remove(7);
                return null;
            }));
            // diod answers EIO for an unknown fid, we answer EBADF: compared as "an error"
            out.add("removed fid " + anyError(outcome(() -> c.getattr(7, GETATTR_BASIC))));
            out.add("unknown fid clunk " + anyError(outcome(() -> {
                c.clunk(4242);
                return null;
            })));
        }
        return out;
    }
}
