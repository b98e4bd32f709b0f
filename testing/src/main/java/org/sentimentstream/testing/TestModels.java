package org.sentimentstream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The committed tiny DistilBERT test model (random weights: not sentiment) and the logits Hugging Face
 * transformers computed for it, for the tests of every module (test scope).
 */
public final class TestModels {

    public static final String TINY = "tiny-distilbert";
    /** The shipped compact model, relative to the repository root. */
    public static final String COMPACT = "models/sst2-minilm-l6";

    private static final String[] FILES = {"model.onnx", "tokenizer.json", "config.json", "reference.json"};
    private static Path extracted;

    private TestModels() {}

    /** The tiny model as a directory: straight from target/classes, or extracted from this module's jar. */
    public static synchronized Path tinyModelDir() {
        URL url = TestModels.class.getClassLoader().getResource(TINY + "/model.onnx");
        if (url == null) {
            throw new IllegalStateException("the test model " + TINY + " is not on the classpath");
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return Paths.get(url.toURI()).getParent();
            }
            if (extracted == null) {
                // keep the folder name: it is the model's name in results
                Path dir = Files.createDirectories(
                        Files.createTempDirectory("models").resolve(TINY));
                for (String file : FILES) {
                    try (InputStream in = TestModels.class.getClassLoader().getResourceAsStream(TINY + "/" + file)) {
                        Files.copy(in, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                extracted = dir;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir), "delete-test-model"));
            }
            return extracted;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The shipped compact model (real sentiment, int8) in the checkout: found from the working directory of the
     * test, which is a module's directory or the repository root.
     */
    public static Path compactModelDir() {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path model = dir.resolve(COMPACT);
            if (Files.isRegularFile(model.resolve("model.onnx"))) {
                return model;
            }
        }
        throw new IllegalStateException(
                COMPACT + " not found above " + Paths.get("").toAbsolutePath() + "; run the tests in the checkout");
    }

    private static void deleteQuietly(Path dir) {
        try {
            for (String file : FILES) {
                Files.deleteIfExists(dir.resolve(file));
            }
            Files.deleteIfExists(dir);
            Files.deleteIfExists(dir.getParent());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }

    /** One text with the ids and logits transformers produced for it alone. */
    public static final class ReferenceCase {
        public final String text;
        public final long[] inputIds;
        public final int tokens;
        public final boolean truncated;
        public final float[] logits;

        ReferenceCase(JsonNode node) {
            text = node.get("text").asText();
            inputIds = new long[node.get("input_ids").size()];
            for (int i = 0; i < inputIds.length; i++) {
                inputIds[i] = node.get("input_ids").get(i).asLong();
            }
            tokens = node.get("tokens").asInt();
            truncated = node.get("truncated").asBoolean();
            logits = new float[] {
                (float) node.get("logits").get(0).asDouble(),
                (float) node.get("logits").get(1).asDouble()
            };
        }

        @Override
        public String toString() {
            return text.length() > 40 ? text.substring(0, 40) + "..." : text;
        }
    }

    public static List<ReferenceCase> referenceCases() {
        try (InputStream in = TestModels.class.getClassLoader().getResourceAsStream(TINY + "/reference.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<ReferenceCase> cases = new ArrayList<>();
            root.get("cases").forEach(c -> cases.add(new ReferenceCase(c)));
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
