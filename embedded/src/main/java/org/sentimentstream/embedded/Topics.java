package org.sentimentstream.embedded;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates topics and returns once every partition of them takes writes (see {@link TopicReadiness}): the one way
 * the {@code produce} and {@code local} commands, the embedded broker, the benchmarks and the tests make topics.
 * Creating a topic that already exists is no error: it is left as it is (its partitions and settings unchanged), and
 * waited for like the new ones.
 *
 * <pre>{@code
 * Topics.create(bootstrapServers, Map.of(), Topics.spec(2), "reviews", "reviews-scored");
 * }</pre>
 */
public final class Topics {

    /** How long creating and waiting may take together unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private Topics() {}

    /**
     * How topics are made: partitions, replication factor ({@code -1}: the broker's {@code default.replication.factor}),
     * topic settings (e.g. {@code retention.ms}) and how long creation and waiting for the leaders may take.
     */
    public record Spec(int partitions, short replicationFactor, Map<String, String> config, Duration timeout) {
        public Spec {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be >= 1: " + partitions);
            }
            if (replicationFactor < 1 && replicationFactor != -1) {
                throw new IllegalArgumentException(
                        "replication factor must be >= 1, or -1 for the broker's default: " + replicationFactor);
            }
            config = Map.copyOf(config);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
        }

        public Spec replicationFactor(short replicationFactor) {
            return new Spec(partitions, replicationFactor, config, timeout);
        }

        public Spec config(Map<String, String> config) {
            return new Spec(partitions, replicationFactor, config, timeout);
        }

        public Spec timeout(Duration timeout) {
            return new Spec(partitions, replicationFactor, config, timeout);
        }
    }

    /** {@code partitions} partitions, one replica, no topic settings, {@link #DEFAULT_TIMEOUT}. */
    public static Spec spec(int partitions) {
        return new Spec(partitions, (short) 1, Map.of(), DEFAULT_TIMEOUT);
    }

    /** An admin client of the cluster at {@code bootstrapServers}, with {@code clientProperties} (e.g. security). */
    public static Admin admin(String bootstrapServers, Map<?, ?> clientProperties) {
        Properties p = new Properties();
        clientProperties.forEach((k, v) -> p.put(k.toString(), v));
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(p);
    }

    /** {@link #create(Admin, Spec, Collection)} with an admin client of its own. */
    public static void create(String bootstrapServers, Map<?, ?> clientProperties, Spec spec, String... names) {
        Admin admin = admin(bootstrapServers, clientProperties);
        try {
            create(admin, spec, List.of(names));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " (Kafka at " + bootstrapServers + ")", e.getCause());
        } finally {
            // a call that timed out would otherwise hold close() up to the client's own timeout (60 s)
            admin.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Creates the topics that do not exist yet and waits until every partition of all of them has a leader that
     * serves it. Throws {@link IllegalStateException} naming the topic and the cluster's answer when a topic cannot
     * be created (not authorized, an invalid setting, too few brokers), or naming the topics when the broker did not
     * answer or the leaders were not there within the spec's timeout.
     */
    public static void create(Admin admin, Spec spec, Collection<String> names) {
        if (names.isEmpty()) {
            return;
        }
        List<String> topics = List.copyOf(new LinkedHashSet<>(names));
        long deadline = System.nanoTime() + spec.timeout().toNanos();
        List<NewTopic> newTopics = new ArrayList<>();
        for (String name : topics) {
            newTopics.add(new NewTopic(name, spec.partitions(), spec.replicationFactor()).configs(spec.config()));
        }
        try {
            Map<String, KafkaFuture<Void>> results =
                    admin.createTopics(newTopics).values();
            for (String name : topics) {
                try {
                    results.get(name).get(remaining(deadline), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "Cannot create topic " + name + ": " + e.getCause(), e.getCause());
                    }
                }
            }
            TopicReadiness.await(admin, topics, Duration.ofNanos(remaining(deadline)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics " + topics, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka did not create topics " + topics + " within " + spec.timeout() + " (is the broker up?)", e);
        }
    }

    /** Nanoseconds until {@code deadline}, at least one, so that a late step still gets one try. */
    private static long remaining(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }
}
