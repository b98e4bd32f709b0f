package org.sentimentstream.embedded;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The producers that write the job's input (the {@code produce} and {@code local} commands, the benchmarks and the
 * tests): every write acknowledged by all in-sync replicas, idempotent, batched for 5 ms. Those are Kafka 4's
 * defaults, stated here so that a site's extra settings read as the only difference. Extra properties (security
 * settings, a client id, longer timeouts, a transactional id) are added last and win.
 */
public final class KafkaProducers {

    private KafkaProducers() {}

    /** The settings of a producer to {@code bootstrapServers}, {@code extra} added last ({@code extra} may be
     * {@link java.util.Properties}); a new mutable map. */
    public static Map<String, Object> properties(String bootstrapServers, Map<?, ?> extra) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        extra.forEach((k, v) -> p.put(k.toString(), v));
        return p;
    }

    /** A producer of raw keys and values. */
    public static KafkaProducer<byte[], byte[]> bytes(String bootstrapServers) {
        return bytes(bootstrapServers, Map.of());
    }

    /** A producer of raw keys and values, with {@code extra} settings. */
    public static KafkaProducer<byte[], byte[]> bytes(String bootstrapServers, Map<?, ?> extra) {
        return new KafkaProducer<>(
                properties(bootstrapServers, extra), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A producer of UTF-8 string keys and values. */
    public static KafkaProducer<String, String> strings(String bootstrapServers) {
        return strings(bootstrapServers, Map.of());
    }

    /** A producer of UTF-8 string keys and values, with {@code extra} settings. */
    public static KafkaProducer<String, String> strings(String bootstrapServers, Map<?, ?> extra) {
        return new KafkaProducer<>(properties(bootstrapServers, extra), new StringSerializer(), new StringSerializer());
    }
}
