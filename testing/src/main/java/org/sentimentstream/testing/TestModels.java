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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The committed tiny test models (random weights: not sentiment), one per model family and head, and the ids and
 * logits Hugging Face transformers computed for them, for the tests of every module (test scope).
 */
public final class TestModels {

    /** DistilBERT with bert-base-uncased's WordPiece vocabulary; inputs input_ids and attention_mask. */
    public static final String TINY = "tiny-distilbert";

    /** BERT with a WordPiece tokenizer and a token_type_ids input; 5 labels. */
    public static final String TINY_BERT = "tiny-bert";

    /** RoBERTa with a byte-level BPE tokenizer, pad_token_id 1 and 512 + 2 positions; 3 labels. */
    public static final String TINY_ROBERTA = "tiny-roberta";

    /** XLM-RoBERTa with a SentencePiece-style Unigram tokenizer; 6 labels. */
    public static final String TINY_XLM_ROBERTA = "tiny-xlm-roberta";

    /** DistilBERT with a multi-label head (sigmoid, 8 labels) and int32 inputs. */
    public static final String TINY_MULTILABEL = "tiny-multilabel";

    /** Every tiny model. */
    public static final List<String> ALL = List.of(TINY, TINY_BERT, TINY_ROBERTA, TINY_XLM_ROBERTA, TINY_MULTILABEL);

    /** The shipped compact model, relative to the repository root. */
    public static final String COMPACT = "models/sst2-minilm-l6";

    private static final String[] FILES = {"model.onnx", "tokenizer.json", "config.json", "reference.json"};
    private static final Map<String, Path> EXTRACTED = new HashMap<>();
    private static final Map<String, List<ReferenceCase>> CASES = new HashMap<>();

    private TestModels() {}

    /** The tiny DistilBERT as a directory. */
    public static Path tinyModelDir() {
        return dir(TINY);
    }

    /** A tiny model as a directory: straight from target/classes, or extracted from this module's jar. */
    public static synchronized Path dir(String name) {
        URL url = TestModels.class.getClassLoader().getResource(name + "/model.onnx");
        if (url == null) {
            throw new IllegalStateException("the test model " + name + " is not on the classpath");
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return Paths.get(url.toURI()).getParent();
            }
            Path extracted = EXTRACTED.get(name);
            if (extracted == null) {
                // keep the folder name: it is the model's name in results
                Path dir = Files.createDirectories(
                        Files.createTempDirectory("models").resolve(name));
                for (String file : FILES) {
                    try (InputStream in = TestModels.class.getClassLoader().getResourceAsStream(name + "/" + file)) {
                        Files.copy(in, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                extracted = dir;
                EXTRACTED.put(name, dir);
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
     * One of the tiny graphs that break the input contract in one way each ({@code extra-input.onnx},
     * {@code float-mask.onnx}), as a file.
     */
    public static Path contractBreakingGraph(String file) {
        String resource = "contract/" + file;
        URL url = TestModels.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException("the test graph " + resource + " is not on the classpath");
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return Paths.get(url.toURI());
            }
            Path copy = Files.createTempFile("contract", ".onnx");
            copy.toFile().deleteOnExit();
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return copy;
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

    /**
     * A copy of a model directory at {@code target} whose model.onnx differs from the original only in its
     * {@code doc_string} (ONNX ModelProto field 6, appended: the last value of a protobuf field wins), so that it
     * scores alike but has a sha256 and an identity of its own: a valid new version to announce.
     */
    public static Path variant(Path modelDir, Path target, String docString) {
        try {
            Files.createDirectories(target);
            for (String file : new String[] {"tokenizer.json", "config.json"}) {
                Files.copy(modelDir.resolve(file), target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
            byte[] doc = docString.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.io.ByteArrayOutputStream field = new java.io.ByteArrayOutputStream();
            field.write(0x32); // field 6, length-delimited
            for (int n = doc.length; ; n >>>= 7) { // varint length
                if ((n & ~0x7F) == 0) {
                    field.write(n);
                    break;
                }
                field.write((n & 0x7F) | 0x80);
            }
            field.write(doc);
            byte[] model = Files.readAllBytes(modelDir.resolve("model.onnx"));
            byte[] out = java.util.Arrays.copyOf(model, model.length + field.size());
            System.arraycopy(field.toByteArray(), 0, out, model.length, field.size());
            Files.write(target.resolve("model.onnx"), out);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    /**
     * What results of a tiny model carry as its identity: the folder name and the first 12 hex digits of the
     * sha256 of its model.onnx.
     */
    public static String identity(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(dir(name).resolve("model.onnx")));
            return name + "@sha256:" + HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One text with the ids, logits and probabilities transformers produced for it alone. */
    public static final class ReferenceCase {
        /** The tiny model this case belongs to, e.g. {@link #TINY}. */
        public final String model;

        public final String text;
        public final long[] inputIds;
        public final int tokens;
        public final boolean truncated;
        public final float[] logits;
        /** The model's probabilities (softmax, or sigmoid for a multi-label head); null where not recorded. */
        public final double[] probabilities;
        /** The model's labels in logit order. */
        public final List<String> labels;
        /** Whether the model is multi-label: a sigmoid per label. */
        public final boolean multiLabel;

        ReferenceCase(String model, List<String> labels, boolean multiLabel, JsonNode node) {
            this.model = model;
            this.labels = labels;
            this.multiLabel = multiLabel;
            text = node.get("text").asText();
            inputIds = new long[node.get("input_ids").size()];
            for (int i = 0; i < inputIds.length; i++) {
                inputIds[i] = node.get("input_ids").get(i).asLong();
            }
            tokens = node.get("tokens").asInt();
            truncated = node.get("truncated").asBoolean();
            logits = new float[node.get("logits").size()];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) node.get("logits").get(i).asDouble();
            }
            JsonNode p = node.get("probabilities");
            probabilities = p == null ? null : new double[p.size()];
            for (int i = 0; p != null && i < p.size(); i++) {
                probabilities[i] = p.get(i).asDouble();
            }
        }

        @Override
        public String toString() {
            return (model.equals(TINY) ? "" : model + ": ")
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
        }
    }

    /** The tiny DistilBERT's reference cases. */
    public static List<ReferenceCase> referenceCases() {
        return referenceCases(TINY);
    }

    /** A tiny model's reference cases: every text of the reference, each with what transformers made of it. */
    public static synchronized List<ReferenceCase> referenceCases(String name) {
        List<ReferenceCase> cached = CASES.get(name);
        if (cached != null) {
            return new ArrayList<>(cached);
        }
        try (InputStream in = TestModels.class.getClassLoader().getResourceAsStream(name + "/reference.json")) {
            if (in == null) {
                throw new IllegalStateException("the test model " + name + " is not on the classpath");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            List<String> labels = new ArrayList<>();
            // tiny-distilbert's reference predates the labels field
            root.path("labels").forEach(l -> labels.add(l.asText()));
            if (labels.isEmpty()) {
                labels.addAll(List.of("NEGATIVE", "POSITIVE"));
            }
            boolean multiLabel = root.path("multi_label").asBoolean(false);
            List<ReferenceCase> cases = new ArrayList<>();
            root.get("cases").forEach(c -> cases.add(new ReferenceCase(name, List.copyOf(labels), multiLabel, c)));
            CASES.put(name, List.copyOf(cases));
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
