package org.sentimentstream.udf;

import org.sentimentstream.testing.TestModels;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model updates on a real ONNX Runtime session with the tiny models: a valid new model takes over between batches,
 * a bad one is refused and the running one keeps serving, and watch mode follows a versioned root.
 */
class ModelUpdateTest {

    @TempDir
    Path tmp;

    private final List<SentimentScorer> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (SentimentScorer s : opened) {
            s.close();
        }
    }

    private static InferenceConfig.Builder config(String model) {
        return InferenceConfig.builder().model(model).set(SentimentOptions.INTRA_OP_THREADS, 1);
    }

    private SentimentScorer open(InferenceConfig config) throws Exception {
        SentimentScorer scorer = SentimentScorer.open(config, 1);
        opened.add(scorer);
        return scorer;
    }

    private Path variant(String version) {
        return TestModels.variant(TestModels.tinyModelDir(), tmp.resolve(version), "version " + version);
    }

    private static ModelAnnouncement announce(Path dir) {
        return new ModelAnnouncement(dir.toString(), null, List.of());
    }

    private static String identityOf(SentimentScorer scorer, String text) throws Exception {
        return scorer.score(text).get(30, TimeUnit.SECONDS).model();
    }

    @Test
    void aValidModelTakesOverAndQueuedTextsFinishOnTheOldOne() throws Exception {
        // A long delay: the texts stay queued on the old model while the update happens.
        SentimentScorer scorer = open(config(TestModels.tinyModelDir().toString())
                .set(SentimentOptions.MAX_BATCH_DELAY, Duration.ofSeconds(5))
                .set(SentimentOptions.MAX_BATCH_SIZE, 1000)
                .set(SentimentOptions.MAX_BATCH_TOKENS, 1000 * 128)
                .build());
        String before = scorer.modelIdentity();
        List<CompletableFuture<SentimentResult>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(scorer.score("queued before the update " + i));
        }
        Path next = variant("2");

        assertThat(scorer.update(announce(next))).isTrue();

        assertThat(scorer.modelIdentity()).isNotEqualTo(before).startsWith("2@sha256:");
        assertThat(scorer.activeModel().model()).isEqualTo(next.toString());
        assertThat(scorer.modelUpdates()).isEqualTo(1);
        assertThat(scorer.modelUpdatesRefused()).isZero();
        assertThat(scorer.lastModelSwapMillis()).isPositive();
        for (CompletableFuture<SentimentResult> f : queued) {
            assertThat(f.get(30, TimeUnit.SECONDS).model())
                    .as("queued before the swap")
                    .isEqualTo(before);
        }
        assertThat(identityOf(scorer, "scored after the update")).isEqualTo(scorer.modelIdentity());
    }

    @Test
    void aCorruptModelIsRefusedAndTheRunningOneKeepsServing() throws Exception {
        SentimentScorer scorer =
                open(config(TestModels.tinyModelDir().toString()).build());
        String before = scorer.modelIdentity();
        Path corrupt = variant("corrupt");
        byte[] model = Files.readAllBytes(corrupt.resolve("model.onnx"));
        Files.write(corrupt.resolve("model.onnx"), java.util.Arrays.copyOf(model, model.length / 2));

        assertThat(scorer.update(announce(corrupt))).isFalse();
        assertThat(scorer.update(announce(tmp.resolve("missing")))).isFalse();

        assertThat(scorer.modelUpdatesRefused()).isEqualTo(2);
        assertThat(scorer.modelUpdates()).isZero();
        assertThat(scorer.lastModelSwapMillis()).isZero();
        assertThat(identityOf(scorer, "still the old model")).isEqualTo(before);
    }

    @Test
    void aWrongSha256IsRefused() throws Exception {
        SentimentScorer scorer =
                open(config(TestModels.tinyModelDir().toString()).build());
        Path next = variant("2");

        assertThat(scorer.update(new ModelAnnouncement(next.toString(), "0".repeat(64), List.of())))
                .isFalse();
        assertThat(scorer.modelUpdatesRefused()).isEqualTo(1);
    }

    @Test
    void aChangedLabelSetIsRefusedUnlessAllowed() throws Exception {
        Path fiveLabels = TestModels.dir(TestModels.TINY_BERT);
        SentimentScorer strict =
                open(config(TestModels.tinyModelDir().toString()).build());
        assertThat(strict.update(announce(fiveLabels))).isFalse();
        assertThat(strict.labels()).hasSize(2);

        SentimentScorer lenient = open(config(TestModels.tinyModelDir().toString())
                .set(SentimentOptions.MODEL_UPDATE_ALLOW_LABEL_CHANGE, true)
                .build());
        assertThat(lenient.update(announce(fiveLabels))).isTrue();
        SentimentResult after = lenient.score("labels of the new model").get(30, TimeUnit.SECONDS);
        assertThat(after.labels()).hasSize(5);
        assertThat(after.model()).isEqualTo(TestModels.identity(TestModels.TINY_BERT));
    }

    @Test
    void watchModeOpensTheNewestVersionAndFollowsLatest() throws Exception {
        Path root = tmp.resolve("root");
        TestModels.variant(TestModels.tinyModelDir(), root.resolve("9"), "version 9");
        TestModels.variant(TestModels.tinyModelDir(), root.resolve("10"), "version 10");
        SentimentScorer scorer = open(config(root.toString())
                .set(SentimentOptions.MODEL_WATCH, Duration.ofSeconds(1))
                .build());
        assertThat(scorer.modelIdentity()).as("10 is newer than 9").startsWith("10@");

        Files.writeString(root.resolve("LATEST"), "9\n"); // a rollback is one write
        waitFor(() -> scorer.modelIdentity().startsWith("9@"));
        assertThat(scorer.modelUpdates()).isEqualTo(1);
        assertThat(identityOf(scorer, "after the rollback")).startsWith("9@");
    }

    @Test
    void watchModeRefusesARootWithoutVersions() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("empty-root"));
        InferenceConfig config = config(root.toString())
                .set(SentimentOptions.MODEL_WATCH, Duration.ofSeconds(1))
                .build();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> open(config)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("sentiment.model")
                .hasMessageContaining("holds no model version");
    }

    @Test
    void aRestoredModelIsOpenedInsteadOfTheConfiguredOne() throws Exception {
        Path restored = variant("restored");
        SentimentScorer scorer = SentimentScorer.open(
                config(TestModels.tinyModelDir().toString()).build(), 1, announce(restored), null);
        opened.add(scorer);
        assertThat(scorer.modelIdentity()).startsWith("restored@");

        SentimentScorer fallback = SentimentScorer.open(
                config(TestModels.tinyModelDir().toString()).build(), 1, announce(tmp.resolve("gone")), null);
        opened.add(fallback);
        assertThat(fallback.modelIdentity()).isEqualTo(TestModels.identity(TestModels.TINY));
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 300 && !condition.getAsBoolean(); i++) {
            Thread.sleep(100);
        }
        assertThat(condition.getAsBoolean()).as("within 30 s").isTrue();
    }
}
