package org.sentimentstream.testcontainers;

import org.sentimentstream.testing.TestModels;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Copies of the tiny model, each broken in the one way an operator meets at startup. */
final class FaultyModels {

    enum Fault {
        MISSING_MODEL_FILE,
        CORRUPT_MODEL_FILE,
        WRONG_INPUT_NAME,
        WRONG_OUTPUT_NAME,
        TOKENIZER_OF_A_LARGER_VOCABULARY
    }

    private FaultyModels() {}

    /** {@code <parent>/<fault name>}: the tiny model with {@code fault}. */
    static Path create(Path parent, Fault fault) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(fault.name().toLowerCase()));
        for (String file : List.of("model.onnx", "tokenizer.json", "config.json")) {
            Files.copy(TestModels.tinyModelDir().resolve(file), dir.resolve(file));
        }
        Path model = dir.resolve("model.onnx");
        switch (fault) {
            case MISSING_MODEL_FILE:
                Files.delete(model);
                break;
            case CORRUPT_MODEL_FILE:
                // a download cut short: the first half, then garbage
                byte[] bytes = Files.readAllBytes(model);
                byte[] garbage = new byte[bytes.length / 2];
                new Random(7).nextBytes(garbage);
                System.arraycopy(garbage, 0, bytes, bytes.length / 2, garbage.length);
                Files.write(model, bytes);
                break;
            case WRONG_INPUT_NAME:
                // a same-length rename keeps the protobuf valid: the graph then asks for another input
                replaceAll(model, "attention_mask", "attention_mesh");
                break;
            case WRONG_OUTPUT_NAME:
                replaceAll(model, "logits", "scores");
                break;
            case TOKENIZER_OF_A_LARGER_VOCABULARY:
                // the tokenizer of another model: ids up to 50264 (RoBERTa's), for a model of 30522
                ObjectMapper json = new ObjectMapper();
                ObjectNode tokenizer =
                        (ObjectNode) json.readTree(dir.resolve("tokenizer.json").toFile());
                ((ObjectNode) tokenizer.get("model").get("vocab")).put("<roberta-only>", 50264);
                json.writeValue(dir.resolve("tokenizer.json").toFile(), tokenizer);
                break;
            default:
                throw new IllegalArgumentException(fault.name());
        }
        return dir;
    }

    private static void replaceAll(Path file, String from, String to) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        byte[] f = from.getBytes(StandardCharsets.US_ASCII);
        byte[] t = to.getBytes(StandardCharsets.US_ASCII);
        int replaced = 0;
        for (int i = 0; i + f.length <= bytes.length; i++) {
            int j = 0;
            while (j < f.length && bytes[i + j] == f[j]) {
                j++;
            }
            if (j == f.length) {
                System.arraycopy(t, 0, bytes, i, t.length);
                replaced++;
            }
        }
        if (replaced == 0) {
            throw new IllegalStateException(file + " does not contain " + from);
        }
        Files.write(file, bytes);
    }
}
