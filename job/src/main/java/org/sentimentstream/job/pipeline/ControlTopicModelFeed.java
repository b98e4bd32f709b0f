package org.sentimentstream.job.pipeline;

import org.sentimentstream.udf.ModelAnnouncement;
import org.sentimentstream.udf.ModelFeed;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

/**
 * Model announcements from a Kafka control topic ({@code sentiment.model-control-topic}). Each reader is a consumer
 * of its own, without a consumer group (nothing is committed, every subtask reads everything): it is assigned every
 * partition of the topic, reads with read_committed from the beginning and follows the topic from there, and names
 * the {@link NewestAnnouncement newest} announcement it has read.
 */
public final class ControlTopicModelFeed implements ModelFeed {

    private static final long serialVersionUID = 1L;

    /** How long one {@link Reader#latest()} may take to read up to the end of the topic before it answers. */
    static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration POLL = Duration.ofMillis(100);

    private final String topic;
    private final HashMap<String, String> clientProperties;
    private final Duration pollInterval;

    /**
     * @param clientProperties the job's Kafka client properties (bootstrap servers and security settings); the
     *     reader sets its own isolation level, offsets and client id
     */
    public ControlTopicModelFeed(String topic, Map<String, String> clientProperties, Duration pollInterval) {
        this.topic = topic;
        this.clientProperties = new HashMap<>(clientProperties);
        this.pollInterval = pollInterval;
    }

    public String topic() {
        return topic;
    }

    @Override
    public Duration pollInterval() {
        return pollInterval;
    }

    @Override
    public TopicReader open() {
        return new TopicReader(
                new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    }

    Properties consumerProperties() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        // No group: no offsets to commit, no rebalancing, and every subtask reads every announcement.
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // An aborted announcement never names a model.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(
                ConsumerConfig.CLIENT_ID_CONFIG,
                "sentiment-model-control-" + UUID.randomUUID().toString().substring(0, 8));
        return props;
    }

    @Override
    public String toString() {
        return "announcements on topic " + topic + ", read every " + pollInterval.toMillis() + " ms";
    }

    /** One subtask's reader of the control topic. */
    public final class TopicReader implements Reader {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final NewestAnnouncement newest = new NewestAnnouncement();

        private TopicReader(KafkaConsumer<byte[], byte[]> consumer) {
            this.consumer = consumer;
        }

        /** Reads what was committed to the topic since the last call (at most {@link #CATCH_UP_TIMEOUT} long). */
        @Override
        public Optional<ModelAnnouncement> latest() {
            assignNewPartitions();
            Set<TopicPartition> assigned = consumer.assignment();
            if (assigned.isEmpty()) {
                return newest.newest();
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, CATCH_UP_TIMEOUT);
            long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
            while (!readUpTo(ends) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    newest.offer(record);
                }
            }
            return newest.newest();
        }

        /** Records skipped because they were not announcements. */
        @Override
        public long malformed() {
            return newest.malformed();
        }

        private boolean readUpTo(Map<TopicPartition, Long> ends) {
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                if (consumer.position(end.getKey(), CATCH_UP_TIMEOUT) < end.getValue()) {
                    return false;
                }
            }
            return true;
        }

        /** Partitions added to the topic (at the first call: all of them) are read from their beginning. */
        private void assignNewPartitions() {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, CATCH_UP_TIMEOUT);
            Set<TopicPartition> all = new HashSet<>();
            for (PartitionInfo p : partitions == null ? List.<PartitionInfo>of() : partitions) {
                all.add(new TopicPartition(p.topic(), p.partition()));
            }
            Set<TopicPartition> added = new HashSet<>(all);
            added.removeAll(consumer.assignment());
            if (!added.isEmpty()) {
                all.addAll(consumer.assignment());
                consumer.assign(all);
                consumer.seekToBeginning(added);
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
