package org.sentimentstream.job.records;

import org.sentimentstream.job.records.KafkaRecord.Header;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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
        String shortDetail =
                detail == null ? "" : detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail;
        List<Header> headers = new ArrayList<>(record.headers().size() + 5);
        headers.addAll(record.headers());
        headers.add(header(REASON, reason.name()));
        headers.add(header(DETAIL, shortDetail));
        headers.add(header(SOURCE_TOPIC, record.topic()));
        headers.add(header(SOURCE_PARTITION, Integer.toString(record.partition())));
        headers.add(header(SOURCE_OFFSET, Long.toString(record.offset())));
        return new OutgoingRecord(true, record.timestamp(), record.key(), record.value(), headers);
    }

    private static Header header(String key, String value) {
        return new Header(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
