package org.sentimentstream.embedded;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * How the job's output is read back (by {@code local}, the tests and the benchmarks): a consumer that sees only
 * committed transactions, assigned every partition of the topics and positioned at their beginning, without a
 * consumer group; and the two ways the tests read with it, up to the end and until an expected count.
 */
public final class ReadCommittedConsumer {

    private ReadCommittedConsumer() {}

    public static KafkaConsumer<byte[], byte[]> fromBeginning(String bootstrapServers, List<String> topics) {
        return fromBeginning(bootstrapServers, Map.of(), topics);
    }

    /** {@code overrides}: further consumer properties, e.g. a shorter {@code fetch.max.wait.ms}. */
    public static KafkaConsumer<byte[], byte[]> fromBeginning(
            String bootstrapServers, Map<String, String> overrides, List<String> topics) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putAll(overrides);
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /**
     * Every record of the topics, from their beginning up to their end offsets as of this call: for a
     * read_committed consumer the last stable offsets, so every transaction committed by then and nothing after.
     * Meant for output that is complete (the job has finished, or the producer has flushed). Throws
     * {@link IllegalStateException} when the end is not reached within {@code timeout}.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(
            String bootstrapServers, Map<String, String> overrides, List<String> topics, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = fromBeginning(bootstrapServers, overrides, topics)) {
            Set<TopicPartition> partitions = consumer.assignment();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Read " + records.size() + " records of " + topics
                            + " but not up to their end offsets " + end + " within " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * Records of the topics as they are committed: read until {@code expected} have arrived or {@code timeout} has
     * passed, then for {@code settle} more, so that anything beyond them already committed (a duplicate) is seen too.
     * Returns what arrived; the caller judges whether that is enough.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAtLeast(
            String bootstrapServers,
            Map<String, String> overrides,
            List<String> topics,
            int expected,
            Duration timeout,
            Duration settle) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = fromBeginning(bootstrapServers, overrides, topics)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            long settled = Long.MAX_VALUE;
            while (System.nanoTime() < settled) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                if (settled == Long.MAX_VALUE && (records.size() >= expected || System.nanoTime() >= deadline)) {
                    settled = System.nanoTime() + settle.toNanos();
                }
            }
        }
        return records;
    }

    /** The records by key (UTF-8; {@code <null key>} for none), each key's in the order read. */
    public static Map<String, List<ConsumerRecord<byte[], byte[]>>> byKey(
            List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byKey = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String key = r.key() == null ? "<null key>" : new String(r.key(), StandardCharsets.UTF_8);
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        return byKey;
    }
}
