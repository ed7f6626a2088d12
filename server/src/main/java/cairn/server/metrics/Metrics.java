package cairn.server.metrics;

import cairn.server.Version;
import cairn.server.node.NodeStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The node's one meter registry: Prometheus format, JVM and process binders, and the node-level
 * {@code cairn_*} gauges. Components register their own {@code cairn.*} meters on the same registry.
 * Every metric is listed in docs/metrics.md.
 */
public final class Metrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Metrics(NodeStatus status) {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        Gauge.builder("cairn.build.info", () -> 1).tag("version", Version.get())
                .description("Always 1; the version tag says which Cairn runs").register(registry);
        Gauge.builder("cairn.node.ready", status, s -> s.ready() ? 1 : 0)
                .description("1 when the volume is open and every server accepts connections").register(registry);
        Gauge.builder("cairn.node.leader", status, s -> s.leader() ? 1 : 0)
                .description("1 when this node is the writer").register(registry);
        Gauge.builder("cairn.node.epoch", status, NodeStatus::epoch)
                .description("Writer epoch the volume was opened at (-1 before)").register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
