package org.sentimentstream.job.records;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A record as read from Kafka, bytes untouched, with where it came from. A Flink POJO. */
public class KafkaRecord {

    public String topic;
    public int partition;
    public long offset;
    /** Kafka record timestamp (ms), kept on the output so event time downstream is unchanged. */
    public long timestamp;
    public byte[] key;
    public byte[] value;
    public String[] headerKeys = new String[0];
    public byte[][] headerValues = new byte[0][];

    public KafkaRecord() {}

    public KafkaRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
            String[] headerKeys, byte[][] headerValues) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
        this.headerKeys = headerKeys;
        this.headerValues = headerValues;
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset + " key="
                + (key == null ? "null" : new String(key, StandardCharsets.UTF_8)) + " value="
                + (value == null ? "null" : value.length + " bytes") + " headers=" + Arrays.toString(headerKeys);
    }
}
