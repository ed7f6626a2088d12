package cairn.server.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cairn.server.admin.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The slf4j binding: what lines look like in text and JSON mode, and that role and epoch follow the node. */
class JsonLogTest {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final Logger log = LoggerFactory.getLogger("cairn.test.Component");

    @BeforeEach
    void capture() {
        Logging.output(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        Logging.output(System.err);
        Logging.configure(LogFormat.TEXT, LogLevel.INFO);
        Logging.clearContext();
    }

    private List<String> lines() {
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void slf4jIsBoundToCairnsLogger() {
        assertEquals(CairnLoggerFactory.class, LoggerFactory.getILoggerFactory().getClass());
    }

    @Test
    void jsonLinesCarryEveryFieldAndFollowRoleAndEpoch() {
        Logging.configure(LogFormat.JSON, LogLevel.INFO);
        var role = new AtomicReference<>("STANDBY");
        var epoch = new AtomicLong(-1);
        Logging.context(new Logging.Context("node-a", role::get, epoch::get));

        log.info("standing by with \"quotes\" and\nnewline {}", 42);
        role.set("LEADER");
        epoch.set(7);
        log.warn("promoted", new IOException("bucket said no"));
        log.debug("not written at info");

        List<String> lines = lines();
        assertEquals(2, lines.size(), lines.toString());
        Map<String, Object> first = Json.parseObject(lines.get(0));
        assertEquals(List.of("time", "level", "logger", "thread", "message", "node", "role", "epoch"), List.copyOf(first.keySet()));
        Instant.parse((String) first.get("time"));
        assertEquals("INFO", first.get("level"));
        assertEquals("cairn.test.Component", first.get("logger"));
        assertEquals("standing by with \"quotes\" and\nnewline 42", first.get("message"));
        assertEquals("node-a", first.get("node"));
        assertEquals("STANDBY", first.get("role"));
        assertNull(first.get("epoch"));

        Map<String, Object> second = Json.parseObject(lines.get(1));
        assertEquals("WARN", second.get("level"));
        assertEquals("LEADER", second.get("role"));
        assertEquals(7L, second.get("epoch"));
        String exception = (String) second.get("exception");
        assertTrue(exception.startsWith("java.io.IOException: bucket said no\n\tat "), exception);
    }

    @Test
    void aThrowableLastArgumentBecomesTheExceptionField() {
        Logging.configure(LogFormat.JSON, LogLevel.INFO);
        log.error("closing {} failed", "nfs", new IllegalStateException("boom"));
        Map<String, Object> line = Json.parseObject(lines().get(0));
        assertEquals("closing nfs failed", line.get("message"));
        assertTrue(((String) line.get("exception")).startsWith("java.lang.IllegalStateException: boom"));
    }

    @Test
    void aFailingRoleSourceDoesNotLoseTheLine() {
        Logging.configure(LogFormat.JSON, LogLevel.INFO);
        Logging.context(new Logging.Context("n", () -> { throw new IllegalStateException("half closed"); }, () -> 3));
        log.info("still logged");
        Map<String, Object> line = Json.parseObject(lines().get(0));
        assertEquals("UNKNOWN", line.get("role"));
        assertEquals(3L, line.get("epoch"));
    }

    @Test
    void textIsTheDefaultAndLooksLikeSlf4jSimple() {
        log.info("hello {}", "world");
        log.debug("hidden");
        Logging.configure(LogFormat.TEXT, LogLevel.DEBUG);
        log.debug("shown");
        List<String> lines = lines();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S+ \\[INFO] Component - hello world"), lines.get(0));
        assertTrue(lines.get(1).endsWith("[DEBUG] Component - shown"), lines.get(1));
        assertFalse(lines.get(0).startsWith("{"));
    }
}
