package org.sentimentstream.job.pipeline;

import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.job.config.KafkaOptions;
import org.sentimentstream.job.config.ModelControlOptions;
import org.sentimentstream.job.records.KafkaRecord;
import org.sentimentstream.job.records.OutgoingRecord;

import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** The job's Kafka source and sinks, and the model control topic's feed, built from its configuration. */
public final class KafkaConnectors {

    private KafkaConnectors() {}

    /** The unbounded source of a running job. */
    public static KafkaSource<KafkaRecord> source(JobConfig config) {
        return sourceBuilder(config).build();
    }

    /** A source that stops at the end offsets it finds at start: for the embedded run and tests. */
    public static KafkaSource<KafkaRecord> boundedSource(JobConfig config) {
        return sourceBuilder(config).setBounded(OffsetsInitializer.latest()).build();
    }

    private static KafkaSourceBuilder<KafkaRecord> sourceBuilder(JobConfig config) {
        Properties props = config.kafkaProperties();
        // Never read what an upstream transactional producer aborted.
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent("commit.offsets.on.checkpoint", "true");
        return KafkaSource.<KafkaRecord>builder()
                .setBootstrapServers(config.get(KafkaOptions.BOOTSTRAP_SERVERS))
                .setTopics(config.get(KafkaOptions.INPUT_TOPIC))
                .setGroupId(config.get(KafkaOptions.GROUP_ID))
                .setStartingOffsets(startingOffsets(config.get(KafkaOptions.STARTING_OFFSETS)))
                .setDeserializer(new KafkaRecordDeserializer())
                .setProperties(props);
    }

    /**
     * The model announcements of {@code sentiment.model-control-topic}, read with the source's Kafka client
     * settings (bootstrap servers, security); empty when the option is unset.
     */
    public static Optional<ControlTopicModelFeed> modelFeed(JobConfig config) {
        return config.getOptional(ModelControlOptions.MODEL_CONTROL_TOPIC).map(topic -> {
            Map<String, String> props = new HashMap<>();
            config.kafkaProperties().forEach((k, v) -> props.put((String) k, (String) v));
            String servers = config.get(KafkaOptions.BOOTSTRAP_SERVERS);
            if (servers != null) {
                props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
            }
            return new ControlTopicModelFeed(topic, props, config.get(ModelControlOptions.MODEL_CONTROL_POLL_INTERVAL));
        });
    }

    private static OffsetsInitializer startingOffsets(KafkaOptions.StartingOffsets starting) {
        switch (starting) {
            case EARLIEST:
                return OffsetsInitializer.earliest();
            case LATEST:
                return OffsetsInitializer.latest();
            default:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }

    public static KafkaSink<OutgoingRecord> scoredSink(JobConfig config) {
        return sink(config, config.get(KafkaOptions.OUTPUT_TOPIC), SCORED_ROLE);
    }

    public static KafkaSink<OutgoingRecord> deadLetterSink(JobConfig config) {
        return sink(config, config.get(KafkaOptions.DLQ_TOPIC), DLQ_ROLE);
    }

    private static final String SCORED_ROLE = "scored";
    private static final String DLQ_ROLE = "dlq";

    /**
     * The prefixes of the two sinks' transactional ids (the connector appends {@code -<subtask>-<checkpoint>}): what
     * an ACL on transactional ids must cover.
     */
    public static List<String> transactionalIdPrefixes(JobConfig config) {
        return List.of(transactionalIdPrefix(config, SCORED_ROLE), transactionalIdPrefix(config, DLQ_ROLE));
    }

    private static String transactionalIdPrefix(JobConfig config, String role) {
        return config.get(KafkaOptions.TRANSACTIONAL_ID_PREFIX) + "-" + role;
    }

    private static KafkaSink<OutgoingRecord> sink(JobConfig config, String topic, String role) {
        Properties props = config.kafkaProperties();
        // Below the broker's transaction.max.timeout.ms; the connector's default of 1 h is refused by brokers.
        props.setProperty(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                Long.toString(config.get(KafkaOptions.TRANSACTION_TIMEOUT).toMillis()));
        return KafkaSink.<OutgoingRecord>builder()
                .setBootstrapServers(config.get(KafkaOptions.BOOTSTRAP_SERVERS))
                .setKafkaProducerConfig(props)
                .setRecordSerializer(new OutgoingRecordSerializer(topic))
                .setDeliveryGuarantee(config.get(KafkaOptions.DELIVERY_GUARANTEE))
                // The two sinks of one job need distinct transactional ids.
                .setTransactionalIdPrefix(transactionalIdPrefix(config, role))
                .build();
    }
}
