package org.sentimentstream.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Raw ONNX Runtime on a model directory ({@code model.onnx}, {@code config.json}), without the udf library: the
 * inference of the ceiling and of the naive job. One session with the settings the library uses (graph
 * optimisation ALL, sequential execution, 1 inter-op thread, no spinning); each call pads its batch with the
 * model's pad token to its longest text (or {@code minWidth}), token types all 0. Inputs go through direct
 * buffers reused from call to call, as the library does, so one thread at a time may call {@link #classify}.
 */
final class RawOnnx implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final boolean tokenTypes;
    private final long padId;
    private final List<String> labels;
    private LongBuffer ids = LongBuffer.allocate(0);
    private LongBuffer mask = LongBuffer.allocate(0);
    private LongBuffer types = LongBuffer.allocate(0);

    private RawOnnx(OrtSession session, long padId, List<String> labels) throws OrtException {
        this.session = session;
        this.padId = padId;
        this.labels = labels;
        Map<String, NodeInfo> inputs = session.getInputInfo();
        this.tokenTypes = inputs.containsKey("token_type_ids");
    }

    static RawOnnx open(Path dir, int intraOpThreads) throws OrtException, IOException {
        JsonNode config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        TreeMap<Integer, String> byId = new TreeMap<>();
        config.path("id2label")
                .fields()
                .forEachRemaining(
                        e -> byId.put(Integer.parseInt(e.getKey()), e.getValue().asText()));
        long padId = config.path("pad_token_id").asLong(0);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            OrtSession session = OrtEnvironment.getEnvironment()
                    .createSession(dir.resolve("model.onnx").toString(), options);
            return new RawOnnx(session, padId, new ArrayList<>(byId.values()));
        }
    }

    /** The labels of config.json's {@code id2label}, in the order of the logits. */
    List<String> labels() {
        return labels;
    }

    float[][] classify(List<long[]> batch) throws OrtException {
        return classify(batch, 0);
    }

    /** Logits of each text of a batch, padded to its longest text and at least to {@code minWidth}. */
    float[][] classify(List<long[]> batch, int minWidth) throws OrtException {
        int rows = batch.size();
        int width = minWidth;
        for (long[] row : batch) {
            width = Math.max(width, row.length);
        }
        ids = start(ids, rows * width);
        mask = start(mask, rows * width);
        for (long[] row : batch) {
            ids.put(row);
            for (int i = 0; i < row.length; i++) {
                mask.put(1L);
            }
            for (int i = row.length; i < width; i++) {
                ids.put(padId);
                mask.put(0L);
            }
        }
        long[] shape = {rows, width};
        Map<String, OnnxTensor> inputs = new HashMap<>(4);
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, ids.flip(), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, mask.flip(), shape));
            if (tokenTypes) {
                types = start(types, rows * width);
                while (types.hasRemaining()) {
                    types.put(0L);
                }
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, types.flip(), shape));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of("logits"))) {
                FloatBuffer values = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[][] out = new float[rows][labels.size()];
                for (float[] row : out) {
                    values.get(row);
                }
                return out;
            }
        } finally {
            for (OnnxTensor tensor : inputs.values()) {
                tensor.close();
            }
        }
    }

    private static LongBuffer start(LongBuffer buffer, int elements) {
        if (buffer.capacity() < elements || !buffer.isDirect()) {
            buffer = ByteBuffer.allocateDirect(Math.max(elements, buffer.capacity() * 2) * Long.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asLongBuffer();
        }
        buffer.clear().limit(elements);
        return buffer;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
