package org.sentimentstream.job.pipeline;

import org.sentimentstream.job.config.InputOptions.InputFormat;
import org.sentimentstream.job.records.DeadLetterReason;
import org.sentimentstream.job.records.DeadLetters;
import org.sentimentstream.job.records.KafkaRecord;
import org.sentimentstream.job.records.OutgoingRecord;
import org.sentimentstream.job.records.Review;
import org.sentimentstream.job.records.ReviewCodec;
import org.sentimentstream.job.records.ReviewCodec.InvalidReviewException;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.EnumMap;
import java.util.Map;

/**
 * Reads the review out of each record. Records that hold no usable text go to {@link #DEAD_LETTERS} with the
 * reason; nothing is dropped.
 */
public class ReviewParser extends ProcessFunction<KafkaRecord, Review> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<OutgoingRecord> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final ReviewCodec codec;
    private transient Map<DeadLetterReason, Counter> deadLetterCounters;

    public ReviewParser(InputFormat format, String textField) {
        this.codec = new ReviewCodec(format, textField);
    }

    /** One counter per reason: {@code sentiment.reason.<REASON>.deadLetters}, a labelled metric in Prometheus. */
    @Override
    public void open(OpenContext openContext) {
        MetricGroup sentiment = getRuntimeContext().getMetricGroup().addGroup("sentiment");
        deadLetterCounters = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetterCounters.put(
                    reason, sentiment.addGroup("reason", reason.name()).counter("deadLetters"));
        }
    }

    @Override
    public void processElement(KafkaRecord record, Context ctx, Collector<Review> out) {
        try {
            out.collect(codec.read(record));
        } catch (InvalidReviewException e) {
            deadLetterCounters.get(e.reason).inc();
            ctx.output(DEAD_LETTERS, DeadLetters.of(record, e.reason, e.getMessage()));
        }
    }
}
