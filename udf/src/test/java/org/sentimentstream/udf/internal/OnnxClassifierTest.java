package org.sentimentstream.udf.internal;

import org.sentimentstream.testing.TestModels;
import org.sentimentstream.testing.TestModels.ReferenceCase;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

/** The session's input tensors: read in place, padded with the model's own pad token, reused across batches. */
class OnnxClassifierTest {

    static final List<String> MODELS = TestModels.ALL;

    @TempDir
    Path temp;

    private static OnnxClassifier open(Path dir) throws Exception {
        return OnnxClassifier.open(ModelDirectory.read(dir, null), 1, false);
    }

    private static List<long[]> ids(List<ReferenceCase> cases) {
        List<long[]> ids = new ArrayList<>();
        cases.forEach(c -> ids.add(c.inputIds));
        return ids;
    }

    @ParameterizedTest
    @FieldSource("MODELS")
    void onnxRuntimeReadsTheInputBuffersInPlace(String model) throws Exception {
        try (OnnxClassifier classifier = open(TestModels.dir(model))) {
            assertThat(classifier.inputsReadInPlace()).isTrue();
        }
    }

    @ParameterizedTest
    @FieldSource("MODELS")
    void buffersGrowAndAreReusedBetweenBatches(String model) throws Exception {
        List<ReferenceCase> cases = TestModels.referenceCases(model);
        ReferenceCase longest =
                cases.stream().filter(c -> c.truncated).findFirst().orElseThrow();
        List<List<ReferenceCase>> batches = List.of(
                cases.subList(0, 2), // small buffers
                List.of(cases.get(2), longest, cases.get(3), cases.get(4)), // grown
                cases.subList(5, 8), // reused, shorter than what the buffers hold from before
                List.of(cases.get(8)));
        try (OnnxClassifier classifier = open(TestModels.dir(model))) {
            for (List<ReferenceCase> batch : batches) {
                float[][] logits = classifier.classify(ids(batch));
                for (int i = 0; i < batch.size(); i++) {
                    assertThat(logits[i]).as("%s", batch.get(i)).containsExactly(batch.get(i).logits, within(1e-4f));
                }
            }
        }
    }

    /**
     * Padding never changes a text's logits when it is masked, whatever id pads (the generator measured it for
     * every family), so the pad id is made visible: an id beyond the embedding table fails the padded batch.
     */
    @Test
    void batchesArePaddedWithTheModelsPadTokenId() throws Exception {
        Path dir = temp.resolve("roberta");
        Files.createDirectories(dir);
        for (String file : List.of("model.onnx", "tokenizer.json", "config.json")) {
            Files.copy(TestModels.dir(TestModels.TINY_ROBERTA).resolve(file), dir.resolve(file));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode config =
                (ObjectNode) json.readTree(dir.resolve("config.json").toFile());
        config.put("vocab_size", 5000).put("pad_token_id", 4000);
        json.writeValue(dir.resolve("config.json").toFile(), config);
        List<ReferenceCase> cases = TestModels.referenceCases(TestModels.TINY_ROBERTA);
        ReferenceCase a = cases.get(0);
        ReferenceCase b =
                cases.stream().filter(c -> c.tokens != a.tokens).findFirst().orElseThrow();
        try (OnnxClassifier classifier = open(dir)) {
            assertThat(classifier.classify(List.of(a.inputIds, a.inputIds))[1])
                    .containsExactly(a.logits, within(1e-4f));
            Throwable padded = catchThrowable(() -> classifier.classify(List.of(a.inputIds, b.inputIds)));
            assertThat(padded).isInstanceOf(OrtException.class).hasMessageContaining("4000");
        }
    }
}
