package org.sentimentstream.job.pipeline;

import org.sentimentstream.job.config.InputOptions;
import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.job.config.KafkaOptions;
import org.sentimentstream.job.config.PipelineOptions;
import org.sentimentstream.job.records.KafkaRecord;
import org.sentimentstream.job.records.OutgoingRecord;
import org.sentimentstream.job.records.Review;
import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.SentimentAsyncFunction;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.concurrent.TimeUnit;

/**
 * The job graph, in one place for the cluster run, the embedded run and the tests:
 *
 * <pre>
 * source -> parse --(invalid)--------------------------------> dead-letter sink
 *             \--> score (micro-batched ONNX, async) --(failed)--^
 *                                 \--> scored sink
 * </pre>
 */
public final class SentimentPipeline {

    static final OutputTag<OutgoingRecord> SCORING_FAILURES = new OutputTag<>("scoring-failures") {};

    private SentimentPipeline() {}

    /** The running job: reads the input topic for as long as it runs, writes the output and dead-letter topics. */
    public static void define(StreamExecutionEnvironment env, JobConfig config) {
        define(env, config, KafkaConnectors.source(config));
    }

    /**
     * As {@link #define}, but the job ends after the records that were in the input topic when it started: for tests
     * that run the job to its end.
     */
    public static void defineBounded(StreamExecutionEnvironment env, JobConfig config) {
        define(env, config, KafkaConnectors.boundedSource(config));
    }

    private static void define(StreamExecutionEnvironment env, JobConfig config, Source<KafkaRecord, ?, ?> source) {
        defineWorkflow(env, source, KafkaConnectors.scoredSink(config), KafkaConnectors.deadLetterSink(config), config);
    }

    /** Adds the job to {@code env}, reading from {@code source} and writing to the two sinks. */
    private static void defineWorkflow(
            StreamExecutionEnvironment env,
            Source<KafkaRecord, ?, ?> source,
            Sink<OutgoingRecord> scoredSink,
            Sink<OutgoingRecord> deadLetterSink,
            JobConfig config) {
        configureCheckpointing(env, config);
        DataStream<KafkaRecord> records = env.fromSource(source, WatermarkStrategy.noWatermarks(), "reviews")
                .uid("kafka-source");

        InputOptions.InputFormat format = config.get(InputOptions.INPUT_FORMAT);
        SingleOutputStreamOperator<Review> reviews = records.process(
                        new ReviewParser(format, config.get(InputOptions.TEXT_FIELD)))
                .name("parse")
                .uid("parse");

        SingleOutputStreamOperator<OutgoingRecord> scored = score(reviews, config)
                .process(new SplitFailures())
                .name("split-failures")
                .uid("split-failures");

        scored.sinkTo(scoredSink).name("scored-sink").uid("scored-sink");
        reviews.getSideOutput(ReviewParser.DEAD_LETTERS)
                .union(scored.getSideOutput(SCORING_FAILURES))
                .sinkTo(deadLetterSink)
                .name("dead-letter-sink")
                .uid("dead-letter-sink");
    }

    /**
     * Micro-batched ONNX Runtime inference in Flink's async operator, following the model control topic when one is
     * set (sentiment.model-watch is followed by the operator itself).
     */
    private static DataStream<OutgoingRecord> score(DataStream<Review> reviews, JobConfig config) {
        SentimentAsyncFunction<Review, OutgoingRecord> scorer =
                new SentimentAsyncFunction<>(config.inference(), Review::text, new ScoredReviewWriter());
        KafkaConnectors.modelFeed(config).ifPresent(scorer::withModelFeed);
        long timeoutMs = config.get(PipelineOptions.ASYNC_TIMEOUT).toMillis();
        int capacity = config.get(PipelineOptions.ASYNC_CAPACITY);
        return (config.get(PipelineOptions.ORDERED)
                        ? AsyncDataStream.orderedWait(reviews, scorer, timeoutMs, TimeUnit.MILLISECONDS, capacity)
                        : AsyncDataStream.unorderedWait(reviews, scorer, timeoutMs, TimeUnit.MILLISECONDS, capacity))
                .returns(TypeInformation.of(OutgoingRecord.class))
                .name("score")
                .uid("score");
    }

    /** Enables checkpointing from the job's setting when Flink's own is absent; exactly-once requires it. */
    static void configureCheckpointing(StreamExecutionEnvironment env, JobConfig config) {
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            config.getOptional(PipelineOptions.CHECKPOINT_INTERVAL)
                    .ifPresent(interval -> env.enableCheckpointing(interval.toMillis()));
        }
        if (config.get(KafkaOptions.DELIVERY_GUARANTEE) == DeliveryGuarantee.EXACTLY_ONCE
                && !env.getCheckpointConfig().isCheckpointingEnabled()) {
            throw new InvalidSettingException(
                    KafkaOptions.DELIVERY_GUARANTEE,
                    "EXACTLY_ONCE needs checkpointing, which is off, so no output would ever be committed",
                    "set execution.checkpointing.interval (or {" + PipelineOptions.CHECKPOINT_INTERVAL.key()
                            + "}), e.g. 10 s, or use AT_LEAST_ONCE");
        }
    }

    /** Scored records go on; records whose scoring failed go to the dead letters. */
    static final class SplitFailures extends ProcessFunction<OutgoingRecord, OutgoingRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(OutgoingRecord r, Context ctx, Collector<OutgoingRecord> out) {
            if (r.deadLetter()) {
                ctx.output(SCORING_FAILURES, r);
            } else {
                out.collect(r);
            }
        }
    }
}
