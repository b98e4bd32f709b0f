package org.sentimentstream.job.records;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds dead letters: the original key, value, headers and timestamp, untouched, plus headers that say why and
 * where the record came from.
 */
public final class DeadLetters {

    public static final String REASON = "dlq.reason";
    public static final String DETAIL = "dlq.detail";
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    public static final String SOURCE_OFFSET = "dlq.source.offset";

    private static final int MAX_DETAIL = 500;

    private DeadLetters() {}

    public static OutgoingRecord of(KafkaRecord record, DeadLetterReason reason, String detail) {
        String[] added = {REASON, DETAIL, SOURCE_TOPIC, SOURCE_PARTITION, SOURCE_OFFSET};
        String shortDetail = detail == null ? "" : detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail;
        String[] values = {reason.name(), shortDetail, record.topic, Integer.toString(record.partition),
                Long.toString(record.offset)};
        int n = record.headerKeys.length;
        String[] keys = Arrays.copyOf(record.headerKeys, n + added.length);
        byte[][] headerValues = Arrays.copyOf(record.headerValues, n + added.length);
        for (int i = 0; i < added.length; i++) {
            keys[n + i] = added[i];
            headerValues[n + i] = values[i].getBytes(StandardCharsets.UTF_8);
        }
        return new OutgoingRecord(true, record.timestamp, record.key, record.value, keys, headerValues);
    }
}
