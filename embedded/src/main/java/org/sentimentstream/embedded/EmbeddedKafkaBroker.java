package org.sentimentstream.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * An in-process, single-node Apache Kafka 4.2 broker in KRaft combined mode (broker + controller, node id 1).
 *
 * <p>Used by the {@code local} command and by integration tests. Every listener binds to 127.0.0.1 on a free
 * ephemeral port; the data lives in a fresh temporary directory that {@link #close()} deletes. Internal topics
 * ({@code __consumer_offsets}, {@code __transaction_state}, {@code __share_group_state}) use replication factor 1
 * and a single partition, so consumer groups and transactions (the exactly-once KafkaSink) work on one node.
 * {@code transaction.max.timeout.ms} keeps the broker default (15 minutes).
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
 *     kafka.createTopics(2, "reviews", "scored");
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int START_ATTEMPTS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Creating topics and waiting for their leaders, together. */
    private static final Duration TOPICS_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final int brokerPort;
    private final int controllerPort;
    private final String clusterId;
    private final Thread shutdownHook;
    private volatile Duration startupTime = Duration.ZERO;
    private boolean closed;

    private EmbeddedKafkaBroker(
            KafkaRaftServer server, Path dataDir, int brokerPort, int controllerPort, String clusterId) {
        this.server = server;
        this.dataDir = dataDir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.clusterId = clusterId;
        this.shutdownHook = new Thread(this::closeQuietly, "embedded-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a broker with the default settings. */
    public static EmbeddedKafkaBroker start() {
        return builder().start();
    }

    /** Starts a broker; {@code extraBrokerProps} are added to (and override) the default broker settings. */
    public static EmbeddedKafkaBroker start(Map<String, String> extraBrokerProps) {
        return builder().brokerProperties(extraBrokerProps).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options for {@link EmbeddedKafkaBroker}. */
    public static final class Builder {
        private final Map<String, String> brokerProps = new LinkedHashMap<>();
        private final Map<String, Short> featureLevels = new LinkedHashMap<>();

        private Builder() {}

        /** Adds or overrides one broker setting (e.g. {@code transaction.max.timeout.ms}). */
        public Builder brokerProperty(String key, String value) {
            brokerProps.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        public Builder brokerProperties(Map<String, String> props) {
            props.forEach(this::brokerProperty);
            return this;
        }

        /**
         * Sets a feature level at format time, like {@code kafka-storage format --feature name=level}; for
         * example {@code featureLevel("transaction.version", (short) 1)} to run without transactions V2
         * (KIP-890 part 2), which Kafka 4.2 enables by default.
         */
        public Builder featureLevel(String featureName, short level) {
            featureLevels.put(Objects.requireNonNull(featureName), level);
            return this;
        }

        public EmbeddedKafkaBroker start() {
            RuntimeException failure = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                try {
                    return startOnce(Map.copyOf(brokerProps), Map.copyOf(featureLevels));
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                    // Ports are picked before the server binds them: another process may have taken one.
                    if (!causedByBindException(e)) {
                        break;
                    }
                    LOG.warn(
                            "Embedded Kafka could not bind its ports (attempt {}/{}), retrying",
                            attempt,
                            START_ATTEMPTS);
                }
            }
            throw failure;
        }
    }

    private static EmbeddedKafkaBroker startOnce(Map<String, String> extraProps, Map<String, Short> featureLevels) {
        long t0 = System.nanoTime();
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("embedded-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the Kafka log directory", e);
        }
        KafkaRaftServer server = null;
        try {
            int[] ports = freePorts(2);
            int brokerPort = ports[0];
            int controllerPort = ports[1];
            String logDir = dataDir.toAbsolutePath().toString();
            Properties props = brokerProps(logDir, brokerPort, controllerPort);
            extraProps.forEach(props::setProperty);
            KafkaConfig config = new KafkaConfig(props, false);

            String clusterId = Uuid.randomUuid().toString();
            format(config, logDir, clusterId, featureLevels);

            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            EmbeddedKafkaBroker broker =
                    new EmbeddedKafkaBroker(server, dataDir, brokerPort, controllerPort, clusterId);
            server = null; // owned by the broker from here on
            try {
                broker.awaitReady();
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            broker.startupTime = Duration.ofNanos(System.nanoTime() - t0);
            LOG.info(
                    "Embedded Kafka {} started on {} in {} ms (cluster id {}, data in {})",
                    kafkaVersion(),
                    broker.bootstrapServers(),
                    broker.startupTime.toMillis(),
                    clusterId,
                    dataDir);
            return broker;
        } catch (RuntimeException e) {
            if (server != null) {
                stopServer(server);
            }
            deleteRecursively(dataDir);
            throw e;
        } catch (Exception e) {
            if (server != null) {
                stopServer(server);
            }
            deleteRecursively(dataDir);
            throw new IllegalStateException("Cannot start the embedded Kafka broker: " + e.getMessage(), e);
        }
    }

    private static Properties brokerProps(String logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        p.setProperty("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.setProperty("controller.listener.names", CONTROLLER_LISTENER);
        p.setProperty(
                "listeners",
                BROKER_LISTENER + "://" + HOST + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":"
                        + controllerPort);
        p.setProperty("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        p.setProperty("inter.broker.listener.name", BROKER_LISTENER);
        p.setProperty(
                "listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.setProperty("log.dirs", logDir);
        p.setProperty("metadata.log.dir", logDir);
        p.setProperty("num.partitions", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.num.partitions", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // The log cleaner (compacted internal topics) would otherwise allocate a 128 MiB dedupe buffer.
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "4");
        return p;
    }

    /** What {@code kafka-storage.sh format --cluster-id X --config server.properties} does. */
    private static void format(KafkaConfig config, String logDir, String clusterId, Map<String, Short> features)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Formatter formatter = new Formatter()
                // The Formatter reports to System.out unless told otherwise.
                .setPrintStream(new PrintStream(out, true, StandardCharsets.UTF_8))
                .setNodeId(NODE_ID)
                .setClusterId(clusterId)
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setMetadataLogDirectory(logDir)
                // Static quorum (controller.quorum.voters), no KIP-853 dynamic voters.
                .setHasDynamicQuorum(false)
                .addDirectory(logDir);
        features.forEach(formatter::setFeatureLevel);
        formatter.run();
        if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "Formatted Kafka storage: {}",
                    out.toString(StandardCharsets.UTF_8).trim());
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(adminProperties())) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster()
                            .nodes()
                            .get(5, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for the embedded Kafka broker", e);
                }
                sleep(100);
            }
        }
        throw new IllegalStateException("Embedded Kafka did not answer describeCluster within " + READY_TIMEOUT, last);
    }

    /** {@code host:port} of the PLAINTEXT listener. */
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    public int brokerPort() {
        return brokerPort;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public String clusterId() {
        return clusterId;
    }

    /** The temporary directory holding the logs and KRaft metadata; deleted by {@link #close()}. */
    public Path dataDir() {
        return dataDir;
    }

    /** From the start of formatting until {@code describeCluster} answered. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Client settings to connect to this broker: just {@code bootstrap.servers}; a new mutable map each call. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    private Map<String, Object> adminProperties() {
        Map<String, Object> props = clientProperties();
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return props;
    }

    /**
     * Creates the topics (replication factor 1) and waits until every partition has a leader. Topics that
     * already exist are left as they are. See {@link Topics#create(Admin, Topics.Spec, java.util.Collection)}.
     */
    public void createTopics(int partitions, String... names) {
        try (Admin admin = Admin.create(adminProperties())) {
            Topics.create(admin, Topics.spec(partitions).timeout(TOPICS_TIMEOUT), Arrays.asList(names));
        }
    }

    /** Shuts the broker down, waits for it, and deletes the data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // called from the hook itself
        }
        stopServer(server);
        deleteRecursively(dataDir);
        LOG.info("Embedded Kafka on {} stopped", bootstrapServers());
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.warn("Error stopping embedded Kafka", e);
        }
    }

    private static void stopServer(KafkaRaftServer server) {
        try {
            server.shutdown();
        } finally {
            server.awaitShutdown();
        }
    }

    private static int[] freePorts(int count) throws IOException {
        InetAddress loopback = InetAddress.getByName(HOST);
        ServerSocket[] sockets = new ServerSocket[count];
        int[] ports = new int[count];
        try {
            // Hold all sockets open together so the ports are distinct.
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 50, loopback);
                sockets[i].setReuseAddress(true);
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }

    private static boolean causedByBindException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("Cannot delete the embedded Kafka directory {}", dir, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the embedded Kafka broker", e);
        }
    }

    private static String kafkaVersion() {
        return org.apache.kafka.common.utils.AppInfoParser.getVersion();
    }
}
