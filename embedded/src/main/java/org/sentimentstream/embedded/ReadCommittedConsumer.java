package org.sentimentstream.embedded;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * How the job's output is read back (by {@code local}, the tests and the benchmarks): a consumer that sees only
 * committed transactions, assigned every partition of the topics and positioned at their beginning, without a
 * consumer group.
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
}
