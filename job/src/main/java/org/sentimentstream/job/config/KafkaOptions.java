package org.sentimentstream.job.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;

import java.time.Duration;
import java.util.List;

/** Where the job reads and writes, and with which delivery guarantee. */
public final class KafkaOptions {

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("sentiment.bootstrap-servers")
            .stringType()
            .noDefaultValue()
            .withDescription("Kafka bootstrap servers, host:port[,host:port...]. Required by `run`.");

    public static final ConfigOption<String> INPUT_TOPIC = ConfigOptions.key("sentiment.input-topic")
            .stringType()
            .defaultValue("reviews")
            .withDescription("Topic of the reviews to score.");

    public static final ConfigOption<String> OUTPUT_TOPIC = ConfigOptions.key("sentiment.output-topic")
            .stringType()
            .defaultValue("reviews-scored")
            .withDescription("Topic of the scored reviews.");

    public static final ConfigOption<String> DLQ_TOPIC = ConfigOptions.key("sentiment.dlq-topic")
            .stringType()
            .defaultValue("reviews-dlq")
            .withDescription(
                    "Dead-letter topic: records that cannot be scored, unchanged, with the reason" + " in headers.");

    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("sentiment.group-id")
            .stringType()
            .defaultValue("sentiment-stream")
            .withDescription("Consumer group id (offsets are committed on checkpoints, for monitoring lag).");

    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS = ConfigOptions.key("sentiment.starting-offsets")
            .enumType(StartingOffsets.class)
            .defaultValue(StartingOffsets.COMMITTED)
            .withDescription("Where a job without state starts: COMMITTED (the group's offsets, else"
                    + " earliest), EARLIEST or LATEST. A job restored from a checkpoint resumes from it.");

    public static final ConfigOption<DeliveryGuarantee> DELIVERY_GUARANTEE = ConfigOptions.key(
                    "sentiment.delivery-guarantee")
            .enumType(DeliveryGuarantee.class)
            .defaultValue(DeliveryGuarantee.EXACTLY_ONCE)
            .withDescription("exactly-once (Kafka transactions committed on checkpoints; needs"
                    + " checkpointing; consumers must read with isolation.level=read_committed),"
                    + " at-least-once, or none: Flink's DeliveryGuarantee (EXACTLY_ONCE and so on work too).");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions.key(
                    "sentiment.transactional-id-prefix")
            .stringType()
            .defaultValue("sentiment-stream")
            .withDescription("Prefix of the sink's Kafka transactional ids; must be unique per job on a" + " cluster.");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = ConfigOptions.key("sentiment.transaction-timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(10))
            .withDescription("transaction.timeout.ms of the exactly-once producers. Must be below the"
                    + " broker's transaction.max.timeout.ms (15 min by default) and above the checkpoint"
                    + " interval plus the longest expected restart.");

    public static final List<ConfigOption<?>> ALL = List.of(
            BOOTSTRAP_SERVERS,
            INPUT_TOPIC,
            OUTPUT_TOPIC,
            DLQ_TOPIC,
            GROUP_ID,
            STARTING_OFFSETS,
            DELIVERY_GUARANTEE,
            TRANSACTIONAL_ID_PREFIX,
            TRANSACTION_TIMEOUT);

    /** Where a stateless start reads from. */
    public enum StartingOffsets {
        COMMITTED,
        EARLIEST,
        LATEST
    }

    private KafkaOptions() {}
}
