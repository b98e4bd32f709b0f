package org.sentimentstream.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Copies of a model directory that a running job can be told to switch to: the same network under a new identity
 * (a retrained model as far as the job can tell), or with another label set. For the tests of model updates; the
 * broken models of startup faults are the container tests' FaultyModels.
 */
public final class ModelVariants {

    /** {@code ModelProto.doc_string} in onnx.proto: field 6, wire type 2 (length-delimited). */
    private static final int DOC_STRING_TAG = (6 << 3) | 2;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelVariants() {}

    /**
     * {@code target}: a copy of the model in {@code source} whose model.onnx has another sha256 and scores the same.
     * A protobuf parser keeps the last of a repeated singular field, so a doc_string appended to the serialized
     * ModelProto replaces any earlier one and leaves the graph as it was: a valid model with a new identity.
     */
    public static Path withNewIdentity(Path source, Path target, String docString) throws IOException {
        copy(source, target);
        byte[] text = docString.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        field.write(DOC_STRING_TAG);
        writeVarint(field, text.length);
        field.write(text);
        Files.write(target.resolve("model.onnx"), field.toByteArray(), StandardOpenOption.APPEND);
        return target;
    }

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

    private static void writeVarint(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7F) != 0) {
            out.write((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }
}
