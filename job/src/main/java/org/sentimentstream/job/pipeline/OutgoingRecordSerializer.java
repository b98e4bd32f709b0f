package org.sentimentstream.job.pipeline;

import org.sentimentstream.job.records.OutgoingRecord;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.Collections;

/** Writes a record to one topic with its own key, headers and timestamp; the key picks the partition. */
public class OutgoingRecordSerializer implements KafkaRecordSerializationSchema<OutgoingRecord> {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public OutgoingRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(OutgoingRecord r, KafkaSinkContext context, Long timestamp) {
        // A record without a timestamp (-1) is written with the producer's time.
        return new ProducerRecord<>(
                topic,
                null,
                r.timestamp() >= 0 ? r.timestamp() : null,
                r.key(),
                r.value(),
                Collections.unmodifiableList(r.headers()));
    }
}
