package org.sentimentstream.udf;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Defaults, round trips, and failures that name the setting and the fix. */
class InferenceConfigTest {

    private static final String SHA = "d1a6bf72edb9e14818acc44269f12dd08a03de05008e5de266ae5fd1bb180a28";

    @Test
    void defaults() {
        InferenceConfig c = InferenceConfig.builder().build();
        assertThat(c.model())
                .isEqualTo(SentimentOptions.DEFAULT_MODEL)
                .isEqualTo("hf:optimum/distilbert-base-uncased-finetuned-sst-2-english");
        assertThat(c.modelSha256()).isNull();
        assertThat(c.modelCacheDir()).isNull();
        assertThat(c.maxSequenceLength()).isEqualTo(128);
        assertThat(c.longText()).isEqualTo(SentimentOptions.LongText.WINDOWS);
        assertThat(c.windowOverlap()).isEqualTo(SentimentOptions.WINDOW_OVERLAP.defaultValue());
        assertThat(c.maxWindows()).isEqualTo(16);
        assertThat(c.stripHtml()).isTrue();
        assertThat(c.maxBatchSize()).isEqualTo(64);
        assertThat(c.maxBatchDelay()).isEqualTo(Duration.ofMillis(5));
        assertThat(c.maxBatchTokens()).isEqualTo(512);
        assertThat(c.intraOpSpinning()).isFalse();
        assertThat(c.lengthBuckets()).isEmpty();
        assertThat(c.intraOpThreads()).isZero();
        assertThat(c.sessionSharing()).isEqualTo(SentimentOptions.SessionSharing.PER_SLOT);
        assertThat(c.modelWatch()).as("model updates are off by default").isNull();
        assertThat(c.allowLabelChange()).isFalse();
        assertThat(c.warmUpRounds()).isEqualTo(1);
        assertThat(InferenceConfig.from(new Configuration())).isEqualTo(c);
    }

    @Test
    void modelWatchOfLessThanASecondAndWarmUpRoundsOutOfRange() {
        assertThat(assertInvalid(
                        "sentiment.model-watch",
                        () -> InferenceConfig.builder()
                                .set(SentimentOptions.MODEL_WATCH, Duration.ofMillis(500))
                                .build()))
                .contains("was 500 ms");
        assertThat(assertInvalid(
                        "sentiment.warm-up-rounds",
                        () -> InferenceConfig.builder()
                                .set(SentimentOptions.WARM_UP_ROUNDS, 21)
                                .build()))
                .contains("was 21");
        assertInvalid(
                "sentiment.warm-up-rounds",
                () -> InferenceConfig.builder()
                        .set(SentimentOptions.WARM_UP_ROUNDS, -1)
                        .build());
        assertThat(InferenceConfig.builder()
                        .set(SentimentOptions.MODEL_WATCH, Duration.ofSeconds(1))
                        .set(SentimentOptions.WARM_UP_ROUNDS, 0)
                        .build()
                        .withWarmUpRounds(3)
                        .warmUpRounds())
                .isEqualTo(3);
    }

    @Test
    void builderAndStringConfigurationGiveEqualConfigs() {
        InferenceConfig c = InferenceConfig.builder()
                .model("/models/sst2")
                .set(SentimentOptions.MODEL_SHA256, SHA)
                .set(SentimentOptions.MODEL_CACHE_DIR, "/var/cache/models")
                .set(SentimentOptions.MAX_SEQUENCE_LENGTH, 256)
                .set(SentimentOptions.MAX_BATCH_SIZE, 32)
                .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ofMillis(25))
                .set(SentimentOptions.MAX_BATCH_TOKENS, 4096)
                .set(SentimentOptions.LENGTH_BUCKETS, "8, 24,100")
                .set(SentimentOptions.INTRA_OP_THREADS, 3)
                .set(SentimentOptions.SESSION_SHARING, SentimentOptions.SessionSharing.SHARED)
                .build();

        assertThat(c.model()).isEqualTo("/models/sst2");
        assertThat(c.modelSha256()).isEqualTo(SHA);
        assertThat(c.modelCacheDir()).isEqualTo("/var/cache/models");
        assertThat(c.maxSequenceLength()).isEqualTo(256);
        assertThat(c.maxBatchSize()).isEqualTo(32);
        assertThat(c.maxBatchDelay()).isEqualTo(Duration.ofMillis(25));
        assertThat(c.maxBatchTokens()).isEqualTo(4096);
        assertThat(c.lengthBuckets()).containsExactly(8, 24, 100);
        assertThat(c.intraOpThreads()).isEqualTo(3);
        assertThat(c.sessionSharing()).isEqualTo(SentimentOptions.SessionSharing.SHARED);

        InferenceConfig same = InferenceConfig.from(Configuration.fromMap(Map.of(
                "sentiment.model", "/models/sst2",
                "sentiment.model-sha256", SHA,
                "sentiment.model-cache-dir", "/var/cache/models",
                "sentiment.max-sequence-length", "256",
                "sentiment.max-batch-size", "32",
                "sentiment.max-batch-delay", "25 ms",
                "sentiment.max-batch-tokens", "4096",
                "sentiment.length-buckets", "8,24,100",
                "sentiment.intra-op-threads", "3",
                "sentiment.session-sharing", "SHARED")));
        assertThat(same).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(InferenceConfig.builder().model("/models/sst2").build()).isNotEqualTo(c);
    }

    @Test
    void stringConfigurationAsFromFlinkConfYamlOrCommandLine() {
        Configuration conf = Configuration.fromMap(Map.of(
                "sentiment.model", "hf:owner/repo@v1",
                "sentiment.max-batch-delay", "40 ms",
                "sentiment.max-batch-size", "7",
                "sentiment.length-buckets", "",
                "sentiment.session-sharing", "SHARED"));
        InferenceConfig c = InferenceConfig.from(conf);
        assertThat(c.model()).isEqualTo("hf:owner/repo@v1");
        assertThat(c.maxBatchDelay()).isEqualTo(Duration.ofMillis(40));
        assertThat(c.maxBatchSize()).isEqualTo(7);
        assertThat(c.lengthBuckets()).isEmpty();
        assertThat(c.sessionSharing()).isEqualTo(SentimentOptions.SessionSharing.SHARED);
    }

    @Test
    void longTextStrategiesAreWrittenAsInTheDocs() {
        for (String value : new String[] {"truncate", "head-tail", "windows", "HEAD-TAIL", "Windows"}) {
            InferenceConfig c = InferenceConfig.from(Configuration.fromMap(Map.of("sentiment.long-text", value)));
            assertThat(c.longText().toString()).isEqualToIgnoringCase(value);
        }
        // a config set in code and written out (e.g. into job parameters) reads back the same
        InferenceConfig headTail = InferenceConfig.builder()
                .set(SentimentOptions.LONG_TEXT, SentimentOptions.LongText.HEAD_TAIL)
                .set(SentimentOptions.HEAD_TOKENS, 64)
                .set(SentimentOptions.WINDOW_OVERLAP, 32)
                .set(SentimentOptions.MAX_WINDOWS, 8)
                .set(SentimentOptions.STRIP_HTML, false)
                .build();
        Configuration written = new Configuration();
        written.set(SentimentOptions.LONG_TEXT, SentimentOptions.LongText.HEAD_TAIL);
        assertThat(InferenceConfig.from(Configuration.fromMap(written.toMap())).longText())
                .isEqualTo(SentimentOptions.LongText.HEAD_TAIL);
        assertThat(InferenceConfig.from(Configuration.fromMap(Map.of(
                        "sentiment.long-text", "head-tail",
                        "sentiment.head-tokens", "64",
                        "sentiment.window-overlap", "32",
                        "sentiment.max-windows", "8",
                        "sentiment.strip-html", "false"))))
                .isEqualTo(headTail);
        assertThat(assertInvalid(
                        "sentiment.long-text",
                        () -> InferenceConfig.from(Configuration.fromMap(Map.of("sentiment.long-text", "sliding")))))
                .contains("truncate, head-tail, windows");
    }

    @Test
    void windowSettingsOutOfRange() {
        assertThat(assertInvalid(
                        "sentiment.window-overlap",
                        () -> InferenceConfig.builder()
                                .set(SentimentOptions.WINDOW_OVERLAP, 65)
                                .build()))
                .contains("was 65");
        assertInvalid(
                "sentiment.window-overlap",
                () -> InferenceConfig.builder()
                        .set(SentimentOptions.WINDOW_OVERLAP, -1)
                        .build());
        assertThat(InferenceConfig.builder()
                        .set(SentimentOptions.WINDOW_OVERLAP, 64)
                        .build()
                        .windowOverlap())
                .isEqualTo(64);
        assertInvalid(
                "sentiment.max-windows",
                () -> InferenceConfig.builder()
                        .set(SentimentOptions.MAX_WINDOWS, 0)
                        .build());
        assertThat(assertInvalid(
                        "sentiment.head-tokens",
                        () -> InferenceConfig.builder()
                                .set(SentimentOptions.LONG_TEXT, SentimentOptions.LongText.HEAD_TAIL)
                                .set(SentimentOptions.HEAD_TOKENS, 126)
                                .build()))
                .contains("was 126");
        // on the command line, every setting the message names is a flag
        assertThat(((InvalidSettingException) catchThrowable(() -> InferenceConfig.builder()
                                .set(SentimentOptions.LONG_TEXT, SentimentOptions.LongText.HEAD_TAIL)
                                .set(SentimentOptions.HEAD_TOKENS, 126)
                                .build()))
                        .messageFor(SettingSurface.FLAG))
                .contains("--head-tokens", "--max-sequence-length")
                .doesNotContain("sentiment.");
        // head-tokens matters only for head-tail: a short max-sequence-length with its default is fine otherwise
        assertThat(InferenceConfig.builder()
                        .set(SentimentOptions.MAX_SEQUENCE_LENGTH, 16)
                        .set(SentimentOptions.MAX_BATCH_TOKENS, 512)
                        .build()
                        .maxSequenceLength())
                .isEqualTo(16);
    }

    @Test
    void blankModel() {
        assertInvalid(
                "sentiment.model", () -> InferenceConfig.builder().model("  ").build());
    }

    @Test
    void badSha256() {
        assertInvalid(
                "sentiment.model-sha256",
                () -> InferenceConfig.builder()
                        .set(SentimentOptions.MODEL_SHA256, "abc123")
                        .build());
        assertInvalid(
                "sentiment.model-sha256",
                () -> InferenceConfig.builder()
                        .set(SentimentOptions.MODEL_SHA256, SHA.substring(1) + "g")
                        .build());
        assertThat(InferenceConfig.builder()
                        .set(SentimentOptions.MODEL_SHA256, SHA.toUpperCase())
                        .build()
                        .modelSha256())
                .isEqualTo(SHA.toUpperCase());
    }

    @Test
    void maxSequenceLengthOutOfRange() {
        assertThat(assertInvalid(
                        "sentiment.max-sequence-length",
                        () -> InferenceConfig.builder()
                                .set(SentimentOptions.MAX_SEQUENCE_LENGTH, 2)
                                .build()))
                .contains("was 2");
        assertThat(assertInvalid(
                        "sentiment.max-sequence-length",
                        () -> InferenceConfig.builder()
                                .set(SentimentOptions.MAX_SEQUENCE_LENGTH, 600)
                                .set(SentimentOptions.MAX_BATCH_TOKENS, 4096)
                                .build()))
                .contains("was 600");
        assertThat(InferenceConfig.builder()
                        .set(SentimentOptions.MAX_SEQUENCE_LENGTH, 3)
                        .build()
                        .maxSequenceLength())
                .isEqualTo(3);
        assertThat(InferenceConfig.builder()
                        .set(SentimentOptions.MAX_SEQUENCE_LENGTH, 512)
                        .build()
                        .maxSequenceLength())
                .isEqualTo(512);
    }

    @Test
    void maxBatchSizeZero() {
        assertThat(assertInvalid(
                        "sentiment.max-batch-size",
                        () -> InferenceConfig.builder()
                                .set(SentimentOptions.MAX_BATCH_SIZE, 0)
                                .build()))
                .contains("was 0");
    }

    @Test
    void negativeDelay() {
        assertInvalid(
                "sentiment.max-batch-delay",
                () -> InferenceConfig.builder()
                        .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ofMillis(-1))
                        .build());
        assertThat(InferenceConfig.builder()
                        .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ZERO)
                        .build()
                        .maxBatchDelay())
                .isZero();
    }

    @Test
    void maxBatchTokensBelowMaxSequenceLength() {
        assertThat(assertInvalid(
                        "sentiment.max-batch-tokens",
                        () -> InferenceConfig.builder()
                                .set(SentimentOptions.MAX_SEQUENCE_LENGTH, 128)
                                .set(SentimentOptions.MAX_BATCH_TOKENS, 127)
                                .build()))
                .contains("sentiment.max-sequence-length")
                .contains("127");
        assertThat(InferenceConfig.builder()
                        .set(SentimentOptions.MAX_SEQUENCE_LENGTH, 128)
                        .set(SentimentOptions.MAX_BATCH_TOKENS, 128)
                        .build()
                        .maxBatchTokens())
                .isEqualTo(128);
    }

    @Test
    void badLengthBuckets() {
        assertThat(assertInvalid(
                        "sentiment.length-buckets",
                        () -> InferenceConfig.builder()
                                .set(SentimentOptions.LENGTH_BUCKETS, "a,b")
                                .build()))
                .contains("'a,b'");
        assertThat(assertInvalid(
                        "sentiment.length-buckets",
                        () -> InferenceConfig.builder()
                                .set(SentimentOptions.LENGTH_BUCKETS, "32,16")
                                .build()))
                .contains("'32,16'");
        assertInvalid(
                "sentiment.length-buckets",
                () -> InferenceConfig.builder()
                        .set(SentimentOptions.LENGTH_BUCKETS, "16,16")
                        .build());
        assertInvalid(
                "sentiment.length-buckets",
                () -> InferenceConfig.builder()
                        .set(SentimentOptions.LENGTH_BUCKETS, "0,16")
                        .build());
    }

    @Test
    void negativeThreads() {
        assertThat(assertInvalid(
                        "sentiment.intra-op-threads",
                        () -> InferenceConfig.builder()
                                .set(SentimentOptions.INTRA_OP_THREADS, -1)
                                .build()))
                .contains("was -1");
    }

    @Test
    void flinkParseErrorBecomesInvalidSettingNamingTheKey() {
        Configuration conf = Configuration.fromMap(Map.of("sentiment.max-batch-size", "lots"));
        Throwable t = catchThrowable(() -> InferenceConfig.from(conf));
        assertThat(t)
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("sentiment.max-batch-size")
                .hasMessageContaining("lots")
                .hasMessageContaining("Fix:");

        Configuration delay = Configuration.fromMap(Map.of("sentiment.max-batch-delay", "soon"));
        assertThat(catchThrowable(() -> InferenceConfig.from(delay)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("sentiment.max-batch-delay");
    }

    @Test
    void eachSurfaceNamesTheSettingAndTheSettingsItRefersToItsOwnWay() {
        InvalidSettingException e = (InvalidSettingException) catchThrowable(() -> InferenceConfig.builder()
                .set(SentimentOptions.MAX_BATCH_TOKENS, 64)
                .build());
        assertThat(e.key()).isEqualTo("sentiment.max-batch-tokens");
        assertThat(e.getMessage())
                .isEqualTo(e.messageFor(SettingSurface.FLINK_KEY))
                .isEqualTo("Invalid setting"
                        + " 'sentiment.max-batch-tokens': must be at least sentiment.max-sequence-length (128), was 64. Fix:"
                        + " raise it, so that one text of the longest length fits in a batch.");
        assertThat(e.messageFor(SettingSurface.FLAG))
                .startsWith("Invalid option '--max-batch-tokens': must be at"
                        + " least --max-sequence-length (128), was 64. Fix:");
        assertThat(e.on(SettingSurface.SQL_OPTION).getMessage())
                .startsWith("Invalid model option"
                        + " 'max-batch-tokens': must be at least max-sequence-length (128), was 64. Fix:");
    }

    /** Asserts the failure is an {@link InvalidSettingException} naming the key and the fix; returns the message. */
    private static String assertInvalid(String key, ThrowingSupplier<InferenceConfig> build) {
        Throwable t = catchThrowable(build::get);
        assertThat(t)
                .as("building with an invalid %s", key)
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("'" + key + "'")
                .hasMessageContaining("Fix:");
        return t.getMessage();
    }

    @Test
    void multiLabelThresholdBetweenZeroAndOne() {
        assertThat(InferenceConfig.builder().build().multiLabelThreshold()).isEqualTo(0.5);
        assertThat(InferenceConfig.builder()
                        .set(SentimentOptions.MULTI_LABEL_THRESHOLD, 0.3)
                        .build()
                        .multiLabelThreshold())
                .isEqualTo(0.3);
        for (double bad : new double[] {0, 1, -0.5, 1.5, Double.NaN}) {
            assertThat(assertInvalid(
                            "sentiment.multi-label-threshold",
                            () -> InferenceConfig.builder()
                                    .set(SentimentOptions.MULTI_LABEL_THRESHOLD, bad)
                                    .build()))
                    .contains("must be between 0 and 1")
                    .contains("was " + bad);
        }
    }
}
