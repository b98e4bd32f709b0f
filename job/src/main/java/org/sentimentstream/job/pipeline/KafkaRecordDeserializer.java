package org.sentimentstream.job.pipeline;

import org.sentimentstream.job.records.KafkaRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.util.ArrayList;
import java.util.List;

/** Copies each consumer record as it is; judging its content is the parser's job, so this never fails. */
public class KafkaRecordDeserializer implements KafkaRecordDeserializationSchema<KafkaRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<KafkaRecord> out) {
        List<KafkaRecord.Header> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            headers.add(new KafkaRecord.Header(h.key(), h.value()));
        }
        out.collect(new KafkaRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), headers));
    }

    @Override
    public TypeInformation<KafkaRecord> getProducedType() {
        return TypeInformation.of(KafkaRecord.class);
    }
}
