package org.sentimentstream.job.pipeline;

import org.sentimentstream.udf.ModelAnnouncement;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The newest model announcement of a control topic, from its records as they are read: in each partition the one
 * of the highest offset, across partitions the one of the latest record timestamp (then the highest partition). A
 * record that is not an announcement (not JSON, no {@code model}, a bad {@code sha256}, a tombstone) is logged with
 * the reason, counted and skipped: the newest valid announcement stays the newest.
 */
final class NewestAnnouncement {

    private static final Logger LOG = LoggerFactory.getLogger(NewestAnnouncement.class);

    /** A valid announcement with where it was read. */
    private record Read(ModelAnnouncement announcement, int partition, long offset, long timestamp) {}

    private static final Comparator<Read> NEWEST =
            Comparator.comparingLong(Read::timestamp).thenComparingInt(Read::partition);

    private final Map<Integer, Read> byPartition = new HashMap<>();
    private long malformed;

    /** Takes a record of the control topic; false when it is not an announcement. */
    boolean offer(ConsumerRecord<byte[], byte[]> record) {
        ModelAnnouncement announcement;
        try {
            announcement = parse(record.value());
        } catch (IllegalArgumentException e) {
            malformed++;
            LOG.warn(
                    "Skipped record {}-{}@{} of the model control topic: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
            return false;
        }
        Read read = new Read(announcement, record.partition(), record.offset(), record.timestamp());
        byPartition.merge(record.partition(), read, (old, now) -> now.offset() > old.offset() ? now : old);
        return true;
    }

    private static ModelAnnouncement parse(byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("a tombstone (null value) names no model");
        }
        return ModelAnnouncement.fromJson(new String(value, StandardCharsets.UTF_8));
    }

    /** The newest announcement read so far; empty when none was valid. */
    Optional<ModelAnnouncement> newest() {
        return byPartition.values().stream().max(NEWEST).map(Read::announcement);
    }

    /** How many records were skipped as not being announcements. */
    long malformed() {
        return malformed;
    }
}
