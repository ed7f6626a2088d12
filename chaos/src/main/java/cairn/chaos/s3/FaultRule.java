package cairn.chaos.s3;

/**
 * One injected fault: applies to requests of {@code op} (null: every op) whose key starts with
 * {@code keyPrefix}, with probability {@code probability}.
 */
public record FaultRule(S3Op op, String keyPrefix, Kind kind, double probability, int status, long millis) {

    public enum Kind {
        /** Delay the request by {@code millis}, then forward it. */
        LATENCY,
        /** Answer {@code status} (500 or 503 SlowDown) without forwarding. */
        ERROR,
        /** Close the connection without forwarding. */
        RESET,
        /** Hold the request for {@code millis} without forwarding, then close the connection. */
        TIMEOUT,
        /** Forward the request (it takes effect) but close the connection instead of answering. */
        LOST_RESPONSE
    }

    public FaultRule {
        if (probability < 0 || probability > 1) throw new IllegalArgumentException("probability must be in [0, 1]");
        if (keyPrefix == null) keyPrefix = "";
        if (millis < 0 || millis > 3_600_000) throw new IllegalArgumentException("millis must be in [0, 3600000]");
    }

    public boolean matches(S3Op requestOp, String key) {
        return (op == null || op == requestOp) && key.startsWith(keyPrefix);
    }

    /** Parses {@code kind=error op=PUT_IF_ABSENT prefix=wal/ p=0.5 status=503 ms=100} (any order). */
    public static FaultRule parse(String spec) {
        S3Op op = null;
        String prefix = "";
        Kind kind = null;
        double p = 1.0;
        int status = 503;
        long ms = 0;
        for (String part : spec.trim().split("[\\s&]+")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            if (eq < 0) throw new IllegalArgumentException("expected key=value, got '" + part + "'");
            String k = part.substring(0, eq), v = part.substring(eq + 1);
            switch (k) {
                case "kind" -> kind = Kind.valueOf(v.toUpperCase().replace('-', '_'));
                case "op" -> op = v.equalsIgnoreCase("any") ? null : S3Op.valueOf(v.toUpperCase().replace('-', '_'));
                case "prefix" -> prefix = v;
                case "p" -> p = Double.parseDouble(v);
                case "status" -> status = Integer.parseInt(v);
                case "ms" -> ms = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown fault key '" + k + "'");
            }
        }
        if (kind == null) throw new IllegalArgumentException("fault needs kind=latency|error|reset|timeout|lost-response");
        return new FaultRule(op, prefix, kind, p, status, ms);
    }

    public String describe() {
        return "kind=" + kind.name().toLowerCase() + " op=" + (op == null ? "any" : op) + " prefix=" + keyPrefix
                + " p=" + probability + " status=" + status + " ms=" + millis;
    }
}
