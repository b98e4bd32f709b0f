package org.sentimentstream.job.records;

import java.util.List;

/** A record as read from Kafka, bytes untouched, with where it came from; its timestamp (ms) goes on the output. */
public record KafkaRecord(
        String topic, int partition, long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {

    /** A Kafka header as a Flink POJO; it is a Kafka {@code Header} too, so a producer takes it as it is. */
    public record Header(String key, byte[] value) implements org.apache.kafka.common.header.Header {}
}
