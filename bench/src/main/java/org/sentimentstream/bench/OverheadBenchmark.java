package org.sentimentstream.bench;

import org.sentimentstream.embedded.SampleReviews;
import org.sentimentstream.job.config.InputOptions.InputFormat;
import org.sentimentstream.job.pipeline.ReviewParser;
import org.sentimentstream.job.pipeline.ScoredReviewWriter;
import org.sentimentstream.job.records.KafkaRecord;
import org.sentimentstream.job.records.OutgoingRecord;
import org.sentimentstream.job.records.Review;
import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.SentimentResult;
import org.sentimentstream.udf.SentimentScorer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.util.Collector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Per-record cost of what the pipeline does around ONNX Runtime, in µs per record: the DJL tokenizer on SST-2
 * phrases and long reviews; the library's whole scoring path ({@link SentimentScorer#score}: text reading,
 * micro-batcher, batch planning, tensors, futures) on the tiny test model, whose inference is so small that the
 * cost around it shows; and the review codec (parse a record, write its scored output), which needs no model.
 * Run by bench/run.sh with {@code org.openjdk.jmh.Main OverheadBenchmark}; the model directory (for tokenizer.json)
 * comes from {@code -Dbench.model}, the tiny model's from {@code -Dbench.tinyModel}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
public class OverheadBenchmark {

    static final int RECORDS = 128;

    @State(Scope.Benchmark)
    public static class Texts {
        @Param({"phrase", "long"})
        public String workload;

        HuggingFaceTokenizer tokenizer;
        List<String> texts;
        int next;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            Path model = Path.of(System.getProperty("bench.model", "models/sst2-minilm-l6"));
            tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(model.resolve("tokenizer.json"))
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(128)
                    .optPadding(false)
                    .build();
            texts = Workloads.pipeline(workload, t -> tokenizer.encode(t).getIds().length)
                    .subList(0, 256);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            tokenizer.close();
        }
    }

    /** One record through the DJL tokenizer (what asyncInvoke does on Flink's task thread). */
    @Benchmark
    public Encoding tokenize(Texts s) {
        String text = s.texts.get(s.next++ & 255);
        return s.tokenizer.encode(text);
    }

    @State(Scope.Benchmark)
    public static class TinyScorer {
        SentimentScorer scorer;

        /** The tiny DistilBERT test model (dim 32) with the default settings and one intra-op thread. */
        @Setup(Level.Trial)
        public void setUp() throws Exception {
            String dir = System.getProperty("bench.tinyModel", "testing/src/main/resources/tiny-distilbert");
            scorer = SentimentScorer.open(InferenceConfig.builder().model(dir).build(), 1);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            scorer.close();
        }
    }

    /**
     * 128 records submitted at once (Flink's async capacity is 256) and awaited, per record: the library's scoring
     * path on the tiny model, tokenization and the tiny inference included.
     */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public Object scorerTinyModel(Texts s, TinyScorer t) throws Exception {
        CompletableFuture<?>[] futures = new CompletableFuture<?>[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            futures[i] = t.scorer.score(s.texts.get(i));
        }
        return CompletableFuture.allOf(futures).get();
    }

    @State(Scope.Benchmark)
    public static class Reviews implements Collector<Review> {
        final ReviewParser parser = new ReviewParser(InputFormat.JSON, "text");
        final ScoredReviewWriter writer = new ScoredReviewWriter();
        /** Flink's copy of a Review between the chained parse and score operators (object reuse is off). */
        final TypeSerializer<Review> copier =
                TypeInformation.of(Review.class).createSerializer(new SerializerConfigImpl());

        final SentimentResult result = new SentimentResult(
                List.of("NEGATIVE", "POSITIVE"), new float[] {-1.5f, 2.25f}, 17, false, "distilbert-sst2@0123456789ab");
        List<KafkaRecord> records;
        Review parsed;
        int next;

        /** The 912 sample reviews ({"id", "text", "label"}: SST-2 dev sentences and 40 longer reviews) as records. */
        @Setup(Level.Trial)
        public void setUp() {
            records = new ArrayList<>();
            List<String> lines = SampleReviews.loadSampleLines();
            for (int i = 0; i < lines.size(); i++) {
                byte[] key = ("key-" + i).getBytes(StandardCharsets.UTF_8);
                byte[] value = lines.get(i).getBytes(StandardCharsets.UTF_8);
                records.add(new KafkaRecord(
                        "reviews",
                        0,
                        i,
                        1_700_000_000_000L + i,
                        key,
                        value,
                        List.of(new KafkaRecord.Header("trace", key))));
            }
        }

        KafkaRecord nextRecord() {
            return records.get(next++ % records.size());
        }

        @Override
        public void collect(Review review) {
            parsed = review;
        }

        @Override
        public void close() {}
    }

    /** One valid review record through the codec: parsed, then written with its sentiment (no inference). */
    @Benchmark
    public OutgoingRecord reviewCodec(Reviews s) {
        s.parser.processElement(s.nextRecord(), null, s);
        return s.writer.onScored(s.parsed, s.result);
    }

    /** As {@link #reviewCodec}, with Flink's copy of the parsed Review between the parse and score operators. */
    @Benchmark
    public OutgoingRecord reviewCodecWithCopy(Reviews s) {
        s.parser.processElement(s.nextRecord(), null, s);
        return s.writer.onScored(s.copier.copy(s.parsed), s.result);
    }
}
