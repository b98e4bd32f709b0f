package org.sentimentstream.udf.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session of a sequence classifier with the DistilBERT SST-2 contract: inputs
 * {@code input_ids} and {@code attention_mask} (int64 [batch, sequence]), output {@code logits}
 * (float [batch, labels]). Each call pads its batch to the batch's own longest text.
 */
public final class OnnxClassifier implements AutoCloseable {

    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String LOGITS = "logits";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final int labels;
    private final int threads;

    private OnnxClassifier(OrtEnvironment env, OrtSession session, int labels, int threads) {
        this.env = env;
        this.session = session;
        this.labels = labels;
        this.threads = threads;
    }

    /**
     * Opens a session with graph optimisation level ALL and checks the model's inputs and outputs; {@code spinning}
     * lets idle intra-op threads busy-wait for work (ONNX Runtime's default).
     */
    public static OnnxClassifier open(ModelDirectory model, int intraOpThreads, boolean spinning) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Path file = model.modelFile();
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
            session = env.createSession(file.toString(), options);
        } catch (OrtException e) {
            throw new ModelContractException(file + ": ONNX Runtime cannot load it (" + e.getMessage() + ").", e);
        }
        try {
            checkContract(file, session, model.labels().size());
        } catch (RuntimeException | OrtException e) {
            session.close();
            throw e;
        }
        return new OnnxClassifier(env, session, model.labels().size(), intraOpThreads);
    }

    private static void checkContract(Path file, OrtSession session, int labelCount) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (!inputs.keySet().equals(Set.of(INPUT_IDS, ATTENTION_MASK))) {
            throw new ModelContractException(file + ": inputs are " + inputs.keySet() + ", the contract wants"
                    + " exactly [input_ids, attention_mask] (export with token_type_ids folded into the graph).");
        }
        for (String name : List.of(INPUT_IDS, ATTENTION_MASK)) {
            checkTensor(file, "input", name, inputs.get(name), OnnxJavaType.INT64, "int64");
        }
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        NodeInfo logits = outputs.get(LOGITS);
        if (logits == null) {
            throw new ModelContractException(file + ": no output named 'logits' (outputs: " + outputs.keySet() + ").");
        }
        TensorInfo info = checkTensor(file, "output", LOGITS, logits, OnnxJavaType.FLOAT, "float");
        long width = info.getShape()[1];
        if (width > 0 && width != labelCount) {
            throw new ModelContractException(file + ": 'logits' has " + width + " columns but config.json's"
                    + " id2label names " + labelCount + " labels; they must agree.");
        }
    }

    private static TensorInfo checkTensor(
            Path file, String kind, String name, NodeInfo node, OnnxJavaType type, String typeName) {
        if (!(node.getInfo() instanceof TensorInfo)) {
            throw new ModelContractException(file + ": " + kind + " '" + name + "' is not a tensor.");
        }
        TensorInfo info = (TensorInfo) node.getInfo();
        if (info.type != type || info.getShape().length != 2) {
            throw new ModelContractException(file + ": " + kind + " '" + name + "' is " + info
                    + ", the contract wants " + typeName + " [batch, " + (kind.equals("input") ? "sequence" : "labels")
                    + "].");
        }
        return info;
    }

    /** Logits for each text of a batch, in the batch's order. */
    public float[][] classify(List<long[]> batch) throws OrtException {
        int rows = batch.size();
        int width = 0;
        for (long[] ids : batch) {
            width = Math.max(width, ids.length);
        }
        LongBuffer ids = LongBuffer.allocate(rows * width);
        LongBuffer mask = LongBuffer.allocate(rows * width);
        for (long[] row : batch) {
            ids.put(row);
            for (int i = 0; i < row.length; i++) {
                mask.put(1L);
            }
            for (int i = row.length; i < width; i++) {
                ids.put(0L); // [PAD]; masked out below
                mask.put(0L);
            }
        }
        ids.flip();
        mask.flip();
        long[] shape = {rows, width};
        try (OnnxTensor idsTensor = OnnxTensor.createTensor(env, ids, shape);
                OnnxTensor maskTensor = OnnxTensor.createTensor(env, mask, shape);
                OrtSession.Result result = session.run(Map.of(INPUT_IDS, idsTensor, ATTENTION_MASK, maskTensor))) {
            FloatBuffer logits = ((OnnxTensor) result.get(LOGITS).orElseThrow()).getFloatBuffer();
            float[][] out = new float[rows][labels];
            for (float[] row : out) {
                logits.get(row);
            }
            return out;
        }
    }

    public int threads() {
        return threads;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
