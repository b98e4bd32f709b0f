package org.sentimentstream.udf;

import org.sentimentstream.testing.TestModels;
import org.sentimentstream.udf.internal.ModelDirectory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A copy of the tiny model, broken in one way at a time: each break fails with a message that names it. */
class ModelContractTest {

    @TempDir
    Path temp;

    private Path model;

    @BeforeEach
    void copyTinyModel() throws Exception {
        model = temp.resolve("my-model");
        Files.createDirectories(model);
        for (String file : List.of("model.onnx", "tokenizer.json", "config.json")) {
            Files.copy(TestModels.tinyModelDir().resolve(file), model.resolve(file));
        }
    }

    /** A copy of another tiny model, named like it. */
    private Path copyOf(String name) throws Exception {
        Path dir = temp.resolve(name);
        Files.createDirectories(dir);
        for (String file : List.of("model.onnx", "tokenizer.json", "config.json")) {
            Files.copy(TestModels.dir(name).resolve(file), dir.resolve(file));
        }
        return dir;
    }

    private static ObjectNode configJson(Path dir) throws Exception {
        return (ObjectNode)
                new ObjectMapper().readTree(dir.resolve("config.json").toFile());
    }

    private static void writeConfigJson(Path dir, ObjectNode root) throws Exception {
        new ObjectMapper().writeValue(dir.resolve("config.json").toFile(), root);
    }

    private static InferenceConfig.Builder config(Path dir) {
        return InferenceConfig.builder().model(dir.toString()).set(SentimentOptions.INTRA_OP_THREADS, 1);
    }

    private Throwable openFailure() {
        return openFailure(config(model).build());
    }

    private static Throwable openFailure(InferenceConfig config) {
        Throwable t = catchThrowable(() -> {
            try (SentimentScorer scorer = SentimentScorer.open(config)) {
                scorer.score("this should not be reached").get(30, TimeUnit.SECONDS);
            }
        });
        assertThat(t).as("opening a broken model").isNotNull();
        return t;
    }

    private ObjectNode configJson() throws Exception {
        return (ObjectNode)
                new ObjectMapper().readTree(model.resolve("config.json").toFile());
    }

    private void writeConfigJson(ObjectNode root) throws Exception {
        new ObjectMapper().writeValue(model.resolve("config.json").toFile(), root);
    }

    @Test
    void theUnbrokenCopyScoresLikeTheOriginal() throws Exception {
        TestModels.ReferenceCase first = TestModels.referenceCases().get(0);
        try (SentimentScorer scorer = SentimentScorer.open(config(model).build())) {
            SentimentResult r = scorer.score(first.text).get(30, TimeUnit.SECONDS);
            ReferenceLogitsTest.assertMatches(first, r);
            assertThat(scorer.labels()).containsExactly("NEGATIVE", "POSITIVE");
        }
    }

    @Test
    void missingModelFile() throws Exception {
        Files.delete(model.resolve("model.onnx"));
        assertThat(openFailure())
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining(model.resolve("model.onnx").toString())
                .hasMessageContaining("missing");
    }

    @Test
    void missingTokenizerFile() throws Exception {
        Files.delete(model.resolve("tokenizer.json"));
        assertThat(openFailure())
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining(model.resolve("tokenizer.json").toString())
                .hasMessageContaining("missing");
    }

    @Test
    void missingConfigFile() throws Exception {
        Files.delete(model.resolve("config.json"));
        assertThat(openFailure())
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining(model.resolve("config.json").toString())
                .hasMessageContaining("missing");
    }

    @Test
    void notADirectory() {
        Path nowhere = temp.resolve("no-such-model");
        assertThat(openFailure(config(nowhere).build()))
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining(nowhere.toString())
                .hasMessageContaining("not a directory");
    }

    @Test
    void configIsNotJson() throws Exception {
        Files.writeString(model.resolve("config.json"), "id2label: {0: NEGATIVE", StandardCharsets.UTF_8);
        assertThat(openFailure())
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining(model.resolve("config.json").toString())
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void configWithoutId2label() throws Exception {
        ObjectNode root = configJson();
        root.remove("id2label");
        writeConfigJson(root);
        assertThat(openFailure())
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining(model.resolve("config.json").toString())
                .hasMessageContaining("no 'id2label'");
    }

    @Test
    void id2labelWithAGap() throws Exception {
        ObjectNode root = configJson();
        ObjectNode labels = root.putObject("id2label");
        labels.put("0", "NEGATIVE");
        labels.put("2", "POSITIVE");
        writeConfigJson(root);
        assertThat(openFailure())
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining(model.resolve("config.json").toString())
                .hasMessageContaining("no label for index 1");
    }

    @Test
    void id2labelWithANonNumericKey() throws Exception {
        ObjectNode root = configJson();
        ObjectNode labels = root.putObject("id2label");
        labels.put("0", "NEGATIVE");
        labels.put("one", "POSITIVE");
        writeConfigJson(root);
        assertThat(openFailure())
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining("'one' is not a logit index");
    }

    @Test
    void threeLabelsForTwoLogitColumns() throws Exception {
        ObjectNode root = configJson();
        ObjectNode labels = root.putObject("id2label");
        labels.put("0", "NEGATIVE");
        labels.put("1", "NEUTRAL");
        labels.put("2", "POSITIVE");
        writeConfigJson(root);
        assertThat(openFailure())
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining(model.resolve("model.onnx").toString())
                .hasMessageContaining("'logits' has 2 columns")
                .hasMessageContaining("names 3 labels");
    }

    @Test
    void modelFileThatIsNotOnnx() throws Exception {
        byte[] garbage = new byte[4096];
        new java.util.Random(3).nextBytes(garbage);
        Files.write(model.resolve("model.onnx"), garbage);
        assertThat(openFailure())
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining(model.resolve("model.onnx").toString())
                .hasMessageContaining("ONNX Runtime cannot load it");
    }

    @Test
    void maxSequenceLengthAboveThePositionLimit() throws Exception {
        ObjectNode root = configJson();
        root.put("max_position_embeddings", 64);
        writeConfigJson(root);
        Throwable t = openFailure(
                config(model).set(SentimentOptions.MAX_SEQUENCE_LENGTH, 128).build());
        assertThat(t)
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("'sentiment.max-sequence-length'")
                .hasMessageContaining("128")
                .hasMessageContaining("64")
                .hasMessageContaining("Fix:");
        try (SentimentScorer scorer = SentimentScorer.open(
                config(model).set(SentimentOptions.MAX_SEQUENCE_LENGTH, 64).build())) {
            assertReadInSequencesOf(64, scorer, "good ".repeat(200));
        }
    }

    @Test
    void identityIsTheFolderNameAndTheShortSha256OfTheModelFile() throws Exception {
        String sha = HexFormat.of()
                .formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model.resolve("model.onnx"))));
        assertThat(sha).isEqualTo("d1a6bf72edb9e14818acc44269f12dd08a03de05008e5de266ae5fd1bb180a28");
        try (SentimentScorer scorer = SentimentScorer.open(config(model).build())) {
            assertThat(scorer.modelIdentity())
                    .isEqualTo("my-model@sha256:" + sha.substring(0, 12))
                    .matches("my-model@sha256:[0-9a-f]{12}");
            assertThat(scorer.score("fine").get(30, TimeUnit.SECONDS).model()).isEqualTo(scorer.modelIdentity());
        }
        ModelDirectory dir = ModelDirectory.read(model, null);
        assertThat(dir.sha256()).isEqualTo(sha);
        assertThat(dir.identity()).isEqualTo("my-model@sha256:" + sha.substring(0, 12));
        assertThat(ModelDirectory.read(model, "sst2").identity()).isEqualTo("sst2@sha256:" + sha.substring(0, 12));
    }

    @Test
    void aChangedModelFileGetsANewIdentity() throws Exception {
        String before = ModelDirectory.read(model, null).identity();
        byte[] bytes = Files.readAllBytes(model.resolve("model.onnx"));
        bytes[bytes.length - 1] ^= 1;
        Path other = temp.resolve("my-model-2");
        Files.createDirectories(other);
        for (String file : List.of("tokenizer.json", "config.json")) {
            Files.copy(model.resolve(file), other.resolve(file));
        }
        Files.write(other.resolve("model.onnx"), bytes);
        String expected =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(ModelDirectory.read(other, "my-model").identity())
                .isEqualTo("my-model@sha256:" + expected.substring(0, 12))
                .isNotEqualTo(before);
    }

    @Test
    void expectedSha256MismatchIsRefused() throws Exception {
        String wrong = "0".repeat(64);
        Throwable t = openFailure(
                config(model).set(SentimentOptions.MODEL_SHA256, wrong).build());
        assertThat(t)
                .hasMessageContaining("'sentiment.model-sha256'")
                .hasMessageContaining(wrong)
                .hasMessageContaining("d1a6bf72edb9e14818acc44269f12dd08a03de05008e5de266ae5fd1bb180a28");
    }

    @Test
    void tokenizerOfALargerVocabularyIsRefused() throws Exception {
        ObjectNode root = configJson();
        root.put("vocab_size", 1000);
        writeConfigJson(root);
        assertThat(openFailure())
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining("tokenizer.json")
                .hasMessageContaining("token ids run up to 30521")
                .hasMessageContaining("vocab_size 1000")
                .hasMessageContaining("Fix:");
    }

    @Test
    void regressionHeadIsRefused() throws Exception {
        ObjectNode root = configJson();
        root.put("problem_type", "regression");
        writeConfigJson(root);
        assertThat(openFailure())
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining(model.resolve("config.json").toString())
                .hasMessageContaining("'problem_type' is \"regression\"")
                .hasMessageContaining("Fix:");
    }

    @Test
    void oneLabelWithoutProblemTypeIsARegressionHeadAndRefused() throws Exception {
        ObjectNode root = configJson();
        root.putObject("id2label").put("0", "SCORE");
        writeConfigJson(root);
        assertThat(openFailure())
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining(model.resolve("config.json").toString())
                .hasMessageContaining("regression head")
                .hasMessageContaining("Fix:");
    }

    @Test
    void unknownProblemTypeIsRefused() throws Exception {
        ObjectNode root = configJson();
        root.put("problem_type", "token_classification");
        writeConfigJson(root);
        assertThat(openFailure())
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining("unknown 'problem_type' \"token_classification\"")
                .hasMessageContaining("Fix:");
    }

    @Test
    void multiLabelHeadWithTheWrongNumberOfLabelsIsRefused() throws Exception {
        Path multi = copyOf(TestModels.TINY_MULTILABEL);
        ObjectNode root = configJson(multi);
        ((ObjectNode) root.get("id2label")).remove("7");
        writeConfigJson(multi, root);
        assertThat(openFailure(config(multi).build()))
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining(multi.resolve("model.onnx").toString())
                .hasMessageContaining("'logits' has 8 columns")
                .hasMessageContaining("names 7 labels");
    }

    @Test
    void missingPadTokenIdIsRefused() throws Exception {
        Path roberta = copyOf(TestModels.TINY_ROBERTA);
        ObjectNode root = configJson(roberta);
        root.remove("pad_token_id");
        writeConfigJson(roberta, root);
        assertThat(openFailure(config(roberta).build()))
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining(roberta.resolve("config.json").toString())
                .hasMessageContaining("no 'pad_token_id'")
                .hasMessageContaining("a roberta model pads with it and counts its positions from it")
                .hasMessageContaining("Fix:");
    }

    @Test
    void aBertLikeModelWithoutPadTokenIdPadsWithZero() throws Exception {
        ObjectNode root = configJson();
        root.remove("pad_token_id");
        writeConfigJson(root);
        assertThat(ModelDirectory.read(model, null).padTokenId()).isZero();
        theUnbrokenCopyScoresLikeTheOriginal();
    }

    @Test
    void padTokenIdOutsideTheVocabularyIsRefused() throws Exception {
        ObjectNode root = configJson();
        root.put("pad_token_id", 30522);
        writeConfigJson(root);
        assertThat(openFailure())
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining("'pad_token_id' 30522 is not a token id below vocab_size 30522")
                .hasMessageContaining("Fix:");
    }

    @Test
    void robertaPositionLimitLeavesOutThePadOffset() throws Exception {
        assertThat(ModelDirectory.read(TestModels.dir(TestModels.TINY_ROBERTA), null)
                        .maxPositions())
                .isEqualTo(512);
        assertThat(ModelDirectory.read(TestModels.dir(TestModels.TINY_XLM_ROBERTA), null)
                        .maxPositions())
                .isEqualTo(512);
        assertThat(ModelDirectory.read(TestModels.dir(TestModels.TINY_BERT), null)
                        .maxPositions())
                .isEqualTo(512);
        Path roberta = copyOf(TestModels.TINY_ROBERTA);
        ObjectNode root = configJson(roberta);
        root.put("max_position_embeddings", 66); // 64 positions after the pad id and the offset of 2
        writeConfigJson(roberta, root);
        assertThat(openFailure(config(roberta)
                        .set(SentimentOptions.MAX_SEQUENCE_LENGTH, 65)
                        .build()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("'sentiment.max-sequence-length'")
                .hasMessageContaining("use at most 64");
        try (SentimentScorer scorer = SentimentScorer.open(
                config(roberta).set(SentimentOptions.MAX_SEQUENCE_LENGTH, 64).build())) {
            assertReadInSequencesOf(64, scorer, "good ".repeat(200));
        }
    }

    @Test
    void theLongestTextsTheRobertaPositionsAllowAreScored() throws Exception {
        try (SentimentScorer scorer = SentimentScorer.open(config(TestModels.dir(TestModels.TINY_ROBERTA))
                .set(SentimentOptions.MAX_SEQUENCE_LENGTH, 512)
                .set(SentimentOptions.MAX_BATCH_TOKENS, 1024)
                .build())) {
            assertReadInSequencesOf(512, scorer, "good ".repeat(600));
        }
    }

    /**
     * A text longer than the position limit allows is scored (by default, in windows), each window, its [CLS] and
     * [SEP] included, within the limit.
     */
    private static void assertReadInSequencesOf(int limit, SentimentScorer scorer, String longText) throws Exception {
        SentimentResult r = scorer.score(longText).get(30, TimeUnit.SECONDS);
        // windows of near-equal length, the fewest that hold the text: each more than half full, none over
        assertThat(scorer.tokenIds(longText).length).isBetween(limit / 2, limit);
        assertThat(r.tokens()).isGreaterThan(limit);
        assertThat(r.windows()).isEqualTo((r.tokens() - 2 + limit - 3) / (limit - 2));
        assertThat(r.truncated()).isFalse();
    }

    @Test
    void anInputBeyondTheThreeOptimumNamesIsRefused() throws Exception {
        Files.copy(
                TestModels.contractBreakingGraph("extra-input.onnx"),
                model.resolve("model.onnx"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(openFailure())
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining(model.resolve("model.onnx").toString())
                .hasMessageContaining("inputs are [attention_mask, input_ids, position_ids]")
                .hasMessageContaining("the contract takes input_ids and attention_mask, and optionally token_type_ids")
                .hasMessageContaining("Fix:");
    }

    @Test
    void aFloatInputIsRefused() throws Exception {
        Files.copy(
                TestModels.contractBreakingGraph("float-mask.onnx"),
                model.resolve("model.onnx"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(openFailure())
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining(model.resolve("model.onnx").toString())
                .hasMessageContaining("input 'attention_mask' is")
                .hasMessageContaining("FLOAT")
                .hasMessageContaining("the contract wants int64 or int32")
                .hasMessageContaining("Fix:");
    }
}
