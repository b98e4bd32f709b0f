package org.sentimentstream.bench;

import org.sentimentstream.job.pipeline.ScoredReviewWriter;
import org.sentimentstream.job.pipeline.ScoringStage;
import org.sentimentstream.job.records.OutgoingRecord;
import org.sentimentstream.job.records.Review;
import org.sentimentstream.udf.SentimentResult;
import org.sentimentstream.udf.internal.ModelDirectory;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The naive baseline as most published examples write it: a synchronous {@code map}, one ONNX Runtime session per
 * subtask, one {@code session.run} per record. {@code padTo} 0 = no padding (the best a per-record job can do);
 * 128 = {@code padding="max_length"}. The session gets the subtask's share of the cores (the same threads as this
 * project's per-slot default, so that only batching differs), graph optimisation ALL, no spinning. The rest of
 * the job (source, parser, sinks, dead letters) is the pipeline's own: see {@link #stage}.
 */
final class NaiveScoreFunction extends RichMapFunction<Review, OutgoingRecord> {

    private static final long serialVersionUID = 1L;

    private final String modelDir;
    private final int padTo;
    private final int maxLength;

    private transient HuggingFaceTokenizer tokenizer;
    private transient OrtEnvironment env;
    private transient OrtSession session;
    private transient ModelDirectory model;
    private transient ScoredReviewWriter writer;

    /** The naive baseline as the scoring stage of {@code SentimentPipeline}'s graph. */
    static ScoringStage stage(String modelDir, int padTo) {
        return (reviews, config) ->
                reviews.map(new NaiveScoreFunction(modelDir, padTo, 128)).name("naive-score");
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
        model = ModelDirectory.read(Path.of(modelDir), modelDir);
        tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(model.tokenizerFile())
                .optAddSpecialTokens(true)
                .optTruncation(true)
                .optMaxLength(maxLength)
                .optPadding(false)
                .build();
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / parallelism);
        env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = env.createSession(model.modelFile().toString(), options);
        }
        writer = new ScoredReviewWriter();
    }

    @Override
    public OutgoingRecord map(Review review) {
        try {
            Encoding encoding = tokenizer.encode(review.text());
            long[] ids = encoding.getIds();
            int width = Math.max(ids.length, padTo);
            long[] mask = new long[width];
            Arrays.fill(mask, 0, ids.length, 1L);
            long[] padded = Arrays.copyOf(ids, width);
            long[] shape = {1, width};
            try (OnnxTensor idsTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(padded), shape);
                    OnnxTensor maskTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
                    OrtSession.Result result =
                            session.run(Map.of("input_ids", idsTensor, "attention_mask", maskTensor))) {
                float[][] logits = (float[][]) result.get(0).getValue();
                return writer.onScored(
                        review,
                        new SentimentResult(
                                model.labels(), logits[0], ids.length, encoding.exceedMaxLength(), model.identity()));
            }
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
