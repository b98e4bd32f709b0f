package org.sentimentstream.bench;

import org.sentimentstream.job.config.InputOptions;
import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.job.config.PipelineOptions;
import org.sentimentstream.job.pipeline.KafkaConnectors;
import org.sentimentstream.job.pipeline.ReviewParser;
import org.sentimentstream.job.pipeline.ScoredReviewWriter;
import org.sentimentstream.job.records.OutgoingRecord;
import org.sentimentstream.job.records.Review;
import org.sentimentstream.udf.SentimentResult;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.nio.file.Path;
import java.util.List;

/**
 * The naive baseline as most published examples write it: a synchronous {@code map}, one ONNX Runtime session per
 * subtask, one {@code session.run} per record. {@code padTo} 0 = no padding (the best a per-record job can do);
 * 128 = {@code padding="max_length"}. The session gets the subtask's share of the cores (the same threads as this
 * project's per-slot default, so that only batching differs), graph optimisation ALL, no spinning. Around it,
 * {@link #defineJob} builds the pipeline's graph from the job module's public pieces (Kafka source, parser, scored
 * output, sinks, dead letters), so that only the scoring differs.
 */
final class NaiveScoreFunction extends RichMapFunction<Review, OutgoingRecord> {

    private static final long serialVersionUID = 1L;

    private static final OutputTag<OutgoingRecord> FAILED = new OutputTag<>("naive-failures") {};

    private final String modelDir;
    private final int padTo;
    private final int maxLength;

    private transient HuggingFaceTokenizer tokenizer;
    private transient RawOnnx session;
    private transient String identity;
    private transient ScoredReviewWriter writer;

    /** source -> parse -> naive score -> scored sink; parser and scoring failures -> dead-letter sink. */
    static void defineJob(StreamExecutionEnvironment env, JobConfig config, String modelDir, int padTo) {
        config.getOptional(PipelineOptions.CHECKPOINT_INTERVAL)
                .ifPresent(interval -> env.enableCheckpointing(interval.toMillis()));
        SingleOutputStreamOperator<Review> reviews = env.fromSource(
                        KafkaConnectors.source(config), WatermarkStrategy.noWatermarks(), "reviews")
                .process(new ReviewParser(config.get(InputOptions.INPUT_FORMAT), config.get(InputOptions.TEXT_FIELD)))
                .name("parse");
        SingleOutputStreamOperator<OutgoingRecord> scored = reviews.map(new NaiveScoreFunction(modelDir, padTo, 128))
                .name("naive-score")
                .process(new ProcessFunction<OutgoingRecord, OutgoingRecord>() {
                    @Override
                    public void processElement(OutgoingRecord r, Context ctx, Collector<OutgoingRecord> out) {
                        if (r.deadLetter()) {
                            ctx.output(FAILED, r);
                        } else {
                            out.collect(r);
                        }
                    }
                })
                .name("split-failures");
        scored.sinkTo(KafkaConnectors.scoredSink(config)).name("scored-sink");
        reviews.getSideOutput(ReviewParser.DEAD_LETTERS)
                .union(scored.getSideOutput(FAILED))
                .sinkTo(KafkaConnectors.deadLetterSink(config))
                .name("dead-letter-sink");
    }

    NaiveScoreFunction(String modelDir, int padTo, int maxLength) {
        this.modelDir = modelDir;
        this.padTo = padTo;
        this.maxLength = maxLength;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        if (System.getProperty("RUST_FLAVOR") == null) {
            System.setProperty("RUST_FLAVOR", "cpu");
        }
        Path dir = Path.of(modelDir);
        tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(dir.resolve("tokenizer.json"))
                .optAddSpecialTokens(true)
                .optTruncation(true)
                .optMaxLength(maxLength)
                .optPadding(false)
                .build();
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / parallelism);
        session = RawOnnx.open(dir, threads);
        identity = dir.getFileName() + " (naive)";
        writer = new ScoredReviewWriter();
    }

    @Override
    public OutgoingRecord map(Review review) {
        try {
            Encoding encoding = tokenizer.encode(review.text());
            long[] ids = encoding.getIds();
            float[] logits = session.classify(List.of(ids), padTo)[0];
            return writer.onScored(
                    review,
                    new SentimentResult(session.labels(), logits, ids.length, encoding.exceedMaxLength(), identity));
        } catch (Exception e) {
            return writer.onFailure(review, e);
        }
    }

    @Override
    public void close() throws Exception {
        if (session != null) {
            session.close();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
    }
}
