package org.sentimentstream.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Copies of a model directory for the tests of model updates: the same model under another directory name (a
 * version directory), or with another label set. The same network under a new identity is
 * {@link TestModels#variant}; the broken models of startup faults are the container tests' FaultyModels.
 */
public final class ModelVariants {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelVariants() {}

    /**
     * {@code target}: a copy of the model in {@code source} whose config.json names {@code labels} (id2label and
     * label2id) instead of its own: another label set when the count is the same, a head that breaks the model
     * contract when it is not the count of the model's logits.
     */
    public static Path withLabels(Path source, Path target, List<String> labels) throws IOException {
        copy(source, target);
        Path config = target.resolve("config.json");
        ObjectNode root = (ObjectNode) JSON.readTree(config.toFile());
        ObjectNode id2label = root.putObject("id2label");
        ObjectNode label2id = root.putObject("label2id");
        for (int i = 0; i < labels.size(); i++) {
            id2label.put(Integer.toString(i), labels.get(i));
            label2id.put(labels.get(i), i);
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(config.toFile(), root);
        return target;
    }

    /**
     * {@code target}: a copy of the model in {@code source}, the same model under another directory name (a
     * version directory, say).
     */
    public static Path copyOf(Path source, Path target) throws IOException {
        copy(source, target);
        return target;
    }

    /** The regular files of {@code source} (the three model files and whatever lies beside them) into {@code target}. */
    private static void copy(Path source, Path target) throws IOException {
        Files.createDirectories(target);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(source, Files::isRegularFile)) {
            for (Path file : files) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        Files.deleteIfExists(target.resolve("model.onnx.sha256")); // names the source's sha256, not the copy's
    }
}
