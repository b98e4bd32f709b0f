package org.sentimentstream.udf.internal;

import org.sentimentstream.udf.ModelContractException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.annotation.Internal;

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
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model directory laid out like the Hugging Face repository: {@code model.onnx}, {@code tokenizer.json} and
 * {@code config.json}. Reading it checks the files and what config.json says of the head (its labels and
 * {@code problem_type}), the padding token and the position limit; the ONNX graph itself is checked when the
 * session opens ({@link OnnxClassifier}).
 */
@Internal
public final class ModelDirectory {

    public static final String MODEL_FILE = "model.onnx";
    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final String CONFIG_FILE = "config.json";

    /**
     * Model types whose position ids count from {@code pad_token_id + 1} (transformers'
     * {@code create_position_ids_from_input_ids}): {@code max_position_embeddings} includes that offset, e.g. 514
     * for RoBERTa's 512 positions.
     */
    private static final Set<String> PAD_OFFSET_POSITIONS = Set.of(
            "roberta",
            "xlm-roberta",
            "xlm-roberta-xl",
            "camembert",
            "roberta-prelayernorm",
            "data2vec-text",
            "longformer",
            "mpnet",
            "ibert",
            "xmod");

    private static final Map<String, String> SHA256_BY_FILE = new ConcurrentHashMap<>();

    private final Path dir;
    private final String name;
    private final List<String> labels;
    private final boolean multiLabel;
    private final long padTokenId;
    private final int maxPositions;
    private final String sha256;

    private ModelDirectory(
            Path dir,
            String name,
            List<String> labels,
            boolean multiLabel,
            long padTokenId,
            int maxPositions,
            String sha256) {
        this.dir = dir;
        this.name = name;
        this.labels = labels;
        this.multiLabel = multiLabel;
        this.padTokenId = padTokenId;
        this.maxPositions = maxPositions;
        this.sha256 = sha256;
    }

    /** Reads and checks a model directory; {@code name} is how results identify it (null: the folder name). */
    public static ModelDirectory read(Path dir, String name) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new ModelContractException(
                    dir + ": not a directory",
                    "point it at a directory holding " + MODEL_FILE + ", " + TOKENIZER_FILE + " and " + CONFIG_FILE);
        }
        for (String file : List.of(MODEL_FILE, TOKENIZER_FILE, CONFIG_FILE)) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new ModelContractException(
                        dir.resolve(file) + ": missing",
                        "a model directory must hold " + MODEL_FILE + ", " + TOKENIZER_FILE + " and " + CONFIG_FILE
                                + " of one exported model");
            }
        }
        Path config = dir.resolve(CONFIG_FILE);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(config.toFile());
        } catch (IOException e) {
            throw new ModelContractException(
                    config + ": not valid JSON (" + e.getMessage() + ")",
                    "use the config.json exported with this model.onnx",
                    e);
        }
        List<String> labels = readLabels(config, root.get("id2label"));
        boolean multiLabel = isMultiLabel(config, root.get("problem_type"), labels.size());
        int vocabSize = root.path("vocab_size").asInt(0);
        checkVocabulary(dir.resolve(TOKENIZER_FILE), config, vocabSize);
        String modelType = root.path("model_type").asText("");
        long padTokenId = readPadTokenId(config, root.get("pad_token_id"), vocabSize, modelType);
        int maxPositions = root.path("max_position_embeddings").asInt(512);
        if (PAD_OFFSET_POSITIONS.contains(modelType)) {
            maxPositions -= (int) padTokenId + 1;
        }
        String displayName = name != null
                ? name
                : dir.toAbsolutePath().normalize().getFileName().toString();
        return new ModelDirectory(
                dir, displayName, labels, multiLabel, padTokenId, maxPositions, sha256Of(dir.resolve(MODEL_FILE)));
    }

    /**
     * Softmax over the labels for single-label heads, a sigmoid per label for multi-label ones; as in transformers,
     * a head without {@code problem_type} is single-label unless it has one output, which makes it a regression.
     */
    private static boolean isMultiLabel(Path config, JsonNode problemType, int labelCount) {
        String type = problemType == null || problemType.isNull() ? "" : problemType.asText();
        switch (type) {
            case "multi_label_classification":
                return true;
            case "single_label_classification":
                if (labelCount < 2) {
                    throw new ModelContractException(
                            config + ": a single_label_classification head with one label in 'id2label' has nothing"
                                    + " to choose from",
                            "list every class in 'id2label', or set \"problem_type\": \"multi_label_classification\""
                                    + " for a yes/no sigmoid head");
                }
                return false;
            case "":
                if (labelCount < 2) {
                    throw new ModelContractException(
                            config + ": 'id2label' has one label and there is no 'problem_type', which transformers"
                                    + " reads as a regression head: it predicts a number, not a label",
                            "use a text-classification model, or set \"problem_type\" to"
                                    + " \"multi_label_classification\" if its one logit is a yes/no sigmoid");
                }
                return false;
            case "regression":
                throw new ModelContractException(
                        config + ": 'problem_type' is \"regression\": the model predicts a number, not a label",
                        "use a text-classification model (problem_type single_label_classification or"
                                + " multi_label_classification)");
            default:
                throw new ModelContractException(
                        config + ": unknown 'problem_type' \"" + type + "\"",
                        "use single_label_classification (softmax) or multi_label_classification (sigmoid)");
        }
    }

    /**
     * The id that pads a batch. The attention mask hides padding from the other tokens, so for most models any id
     * would do and a config without one pads with 0; RoBERTa-like models derive position ids from where the pad id
     * is, so theirs must be the model's own.
     */
    private static long readPadTokenId(Path config, JsonNode padTokenId, int vocabSize, String modelType) {
        if ((padTokenId == null || padTokenId.isNull()) && !PAD_OFFSET_POSITIONS.contains(modelType)) {
            return 0;
        }
        if (padTokenId == null || padTokenId.isNull()) {
            throw new ModelContractException(
                    config + ": no 'pad_token_id'; a " + modelType + " model pads with it and counts its positions"
                            + " from it",
                    "set it to the id of the tokenizer's padding token (tokenizer.json, added_tokens), e.g. 1 for"
                            + " RoBERTa's and XLM-R's <pad>");
        }
        if (!padTokenId.canConvertToInt()
                || padTokenId.asInt() < 0
                || (vocabSize > 0 && padTokenId.asInt() >= vocabSize)) {
            throw new ModelContractException(
                    config + ": 'pad_token_id' " + padTokenId + " is not a token id"
                            + (vocabSize > 0 ? " below vocab_size " + vocabSize : ""),
                    "set it to the id of the tokenizer's padding token (tokenizer.json, added_tokens)");
        }
        return padTokenId.asLong();
    }

    private static List<String> readLabels(Path config, JsonNode id2label) {
        if (id2label == null || !id2label.isObject() || id2label.isEmpty()) {
            throw new ModelContractException(
                    config + ": no 'id2label' object",
                    "map every logit index to a label name, e.g. {\"0\": \"NEGATIVE\", \"1\": \"POSITIVE\"}");
        }
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = id2label.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                byIndex.put(Integer.parseInt(e.getKey()), e.getValue().asText());
            } catch (NumberFormatException ex) {
                throw new ModelContractException(
                        config + ": 'id2label' key '" + e.getKey() + "' is not a logit index",
                        "key 'id2label' by the logit indexes 0, 1, ...");
            }
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < byIndex.size(); i++) {
            String label = byIndex.get(i);
            if (label == null || label.isBlank()) {
                throw new ModelContractException(
                        config + ": 'id2label' has no label for index " + i,
                        "name a label for every index 0.." + (byIndex.size() - 1));
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
            throw new ModelContractException(
                    tokenizer + ": not valid JSON (" + e.getMessage() + ")",
                    "use the tokenizer.json exported with this model.onnx",
                    e);
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
            throw new ModelContractException(
                    tokenizer + ": token ids run up to " + maxId + " but " + config + " says vocab_size " + vocabSize
                            + ": this tokenizer belongs to another model",
                    "use the tokenizer.json exported with this model.onnx");
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

    /** Whether the head is multi-label ({@code problem_type} multi_label_classification): a sigmoid per label. */
    public boolean multiLabel() {
        return multiLabel;
    }

    /** The token id that pads a batch. */
    public long padTokenId() {
        return padTokenId;
    }

    /** Tokens a text may have, special tokens included: {@code max_position_embeddings} less any offset. */
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
