package org.sentimentstream.udf.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model directory laid out like the Hugging Face repository: {@code model.onnx}, {@code tokenizer.json} and
 * {@code config.json}. Reading it checks the files and the label map; the ONNX graph itself is checked when
 * the session opens ({@link OnnxClassifier}).
 */
public final class ModelDirectory {

    public static final String MODEL_FILE = "model.onnx";
    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final String CONFIG_FILE = "config.json";

    private static final Map<String, String> SHA256_BY_FILE = new ConcurrentHashMap<>();

    private final Path dir;
    private final String name;
    private final List<String> labels;
    private final int maxPositions;
    private final String sha256;

    private ModelDirectory(Path dir, String name, List<String> labels, int maxPositions, String sha256) {
        this.dir = dir;
        this.name = name;
        this.labels = labels;
        this.maxPositions = maxPositions;
        this.sha256 = sha256;
    }

    /** Reads and checks a model directory; {@code name} is how results identify it (null: the folder name). */
    public static ModelDirectory read(Path dir, String name) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new ModelContractException(dir + ": not a directory. A model is a directory holding " + MODEL_FILE
                    + ", " + TOKENIZER_FILE + " and " + CONFIG_FILE + ".");
        }
        for (String file : List.of(MODEL_FILE, TOKENIZER_FILE, CONFIG_FILE)) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new ModelContractException(dir.resolve(file) + ": missing. A model directory must hold "
                        + MODEL_FILE + ", " + TOKENIZER_FILE + " and " + CONFIG_FILE + ".");
            }
        }
        Path config = dir.resolve(CONFIG_FILE);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(config.toFile());
        } catch (IOException e) {
            throw new ModelContractException(config + ": not valid JSON (" + e.getMessage() + ").", e);
        }
        List<String> labels = readLabels(config, root.get("id2label"));
        checkVocabulary(
                dir.resolve(TOKENIZER_FILE), config, root.path("vocab_size").asInt(0));
        int maxPositions = root.path("max_position_embeddings").asInt(512);
        String displayName = name != null
                ? name
                : dir.toAbsolutePath().normalize().getFileName().toString();
        return new ModelDirectory(dir, displayName, labels, maxPositions, sha256Of(dir.resolve(MODEL_FILE)));
    }

    private static List<String> readLabels(Path config, JsonNode id2label) {
        if (id2label == null || !id2label.isObject() || id2label.isEmpty()) {
            throw new ModelContractException(config + ": no 'id2label' object; it must map every logit index to"
                    + " a label name, e.g. {\"0\": \"NEGATIVE\", \"1\": \"POSITIVE\"}.");
        }
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = id2label.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                byIndex.put(Integer.parseInt(e.getKey()), e.getValue().asText());
            } catch (NumberFormatException ex) {
                throw new ModelContractException(
                        config + ": 'id2label' key '" + e.getKey() + "' is not a logit index (0, 1, ...).");
            }
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < byIndex.size(); i++) {
            String label = byIndex.get(i);
            if (label == null || label.isBlank()) {
                throw new ModelContractException(config + ": 'id2label' has no label for index " + i
                        + "; indexes must run 0.." + (byIndex.size() - 1) + ".");
            }
            labels.add(label);
        }
        return List.copyOf(labels);
    }

    /**
     * A tokenizer of another model yields token ids beyond the model's embedding table: ONNX Runtime would fail
     * every batch (or, worse, another vocabulary would be scored silently). Its largest id must be below
     * config.json's {@code vocab_size}.
     */
    private static void checkVocabulary(Path tokenizer, Path config, int vocabSize) throws IOException {
        if (vocabSize <= 0) {
            return;
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(tokenizer.toFile());
        } catch (IOException e) {
            throw new ModelContractException(tokenizer + ": not valid JSON (" + e.getMessage() + ").", e);
        }
        JsonNode vocab = root.path("model").path("vocab");
        long maxId = vocab.isArray() ? vocab.size() - 1 : -1;
        for (JsonNode id : vocab.isObject() ? vocab : List.<JsonNode>of()) {
            maxId = Math.max(maxId, id.asLong());
        }
        for (JsonNode added : root.path("added_tokens")) {
            maxId = Math.max(maxId, added.path("id").asLong());
        }
        if (maxId >= vocabSize) {
            throw new ModelContractException(tokenizer + ": token ids run up to " + maxId + " but " + config
                    + " says vocab_size " + vocabSize + ": this tokenizer belongs to another model. Fix: use the"
                    + " tokenizer.json exported with this model.onnx.");
        }
    }

    /** sha256 of a file, hex; memoised per path, size and modification time. */
    public static String sha256Of(Path file) throws IOException {
        String key = file.toAbsolutePath() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file);
        String cached = SHA256_BY_FILE.get(key);
        if (cached != null) {
            return cached;
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        String hex = HexFormat.of().formatHex(digest.digest());
        SHA256_BY_FILE.put(key, hex);
        return hex;
    }

    public Path dir() {
        return dir;
    }

    public Path modelFile() {
        return dir.resolve(MODEL_FILE);
    }

    public Path tokenizerFile() {
        return dir.resolve(TOKENIZER_FILE);
    }

    public List<String> labels() {
        return labels;
    }

    public int maxPositions() {
        return maxPositions;
    }

    public String sha256() {
        return sha256;
    }

    /** Name plus the first 12 hex digits of the model file's sha256, e.g. {@code distilbert@sha256:1a2b3c4d5e6f}. */
    public String identity() {
        return name + "@sha256:" + sha256.substring(0, 12);
    }
}
