package org.sentimentstream.job.records;

import java.util.List;

/** A record to write: a scored review or a dead letter. */
public record OutgoingRecord(
        boolean deadLetter, long timestamp, byte[] key, byte[] value, List<KafkaRecord.Header> headers) {}
