package org.sentimentstream.udf.internal;

import org.sentimentstream.udf.ModelContractException;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.apache.flink.annotation.Internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One ONNX Runtime session of a sequence classifier exported as optimum exports text-classification models: inputs
 * {@code input_ids}, {@code attention_mask} and optionally {@code token_type_ids} (int64 or int32 [batch, sequence]),
 * output {@code logits} (float [batch, labels]). Each call pads its batch, with the model's pad token, to the
 * batch's own longest text; token types are all 0, the type of a single text.
 *
 * <p>Inputs are written into direct buffers in native order, which ONNX Runtime reads in place. The buffers belong
 * to the session and are reused from batch to batch, so one thread at a time may call {@link #classify}.
 */
@Internal
public final class OnnxClassifier implements AutoCloseable {

    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String LOGITS = "logits";

    private static final Set<String> INPUTS = Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);
    private static final Set<String> OUTPUTS = Set.of(LOGITS);

    private final OrtEnvironment env;
    private final OrtSession session;
    private final Path file;
    private final int labels;
    private final int threads;
    private final long padId;
    private final InputBuffer ids;
    private final InputBuffer mask;
    private final InputBuffer tokenTypes; // null: the model has no token_type_ids input

    private OnnxClassifier(OrtEnvironment env, OrtSession session, Path file, int labels, int threads, long padId) {
        this.env = env;
        this.session = session;
        this.file = file;
        this.labels = labels;
        this.threads = threads;
        this.padId = padId;
        Map<String, NodeInfo> inputs = inputInfo(session);
        this.ids = new InputBuffer(inputs.get(INPUT_IDS));
        this.mask = new InputBuffer(inputs.get(ATTENTION_MASK));
        this.tokenTypes = inputs.containsKey(TOKEN_TYPE_IDS) ? new InputBuffer(inputs.get(TOKEN_TYPE_IDS)) : null;
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
            throw new ModelContractException(
                    file + ": ONNX Runtime cannot load it (" + e.getMessage() + ")",
                    "use an ONNX file that ONNX Runtime loads, e.g. one exported with `optimum-cli export onnx --task"
                            + " text-classification`",
                    e);
        }
        try {
            checkContract(file, session, model.labels().size());
            return new OnnxClassifier(env, session, file, model.labels().size(), intraOpThreads, model.padTokenId());
        } catch (RuntimeException | OrtException e) {
            session.close();
            throw e;
        }
    }

    private static Map<String, NodeInfo> inputInfo(OrtSession session) {
        try {
            return session.getInputInfo();
        } catch (OrtException e) {
            throw new IllegalStateException(e); // read once already by checkContract
        }
    }

    private static void checkContract(Path file, OrtSession session, int labelCount) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (!INPUTS.containsAll(inputs.keySet())
                || !inputs.containsKey(INPUT_IDS)
                || !inputs.containsKey(ATTENTION_MASK)) {
            throw new ModelContractException(
                    file + ": inputs are " + new TreeSet<>(inputs.keySet()) + ", the contract takes input_ids and"
                            + " attention_mask, and optionally token_type_ids, as optimum exports a"
                            + " text-classification model",
                    "export it with `optimum-cli export onnx --task text-classification`, or rename the inputs");
        }
        for (Map.Entry<String, NodeInfo> input : inputs.entrySet()) {
            TensorInfo info = checkTensor(file, "input", input.getKey(), input.getValue());
            if ((info.type != OnnxJavaType.INT64 && info.type != OnnxJavaType.INT32)) {
                throw new ModelContractException(
                        file + ": input '" + input.getKey() + "' is " + info + ", the contract wants int64 or int32"
                                + " [batch, sequence] token ids",
                        "export the model with integer inputs (optimum does)");
            }
        }
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        NodeInfo logits = outputs.get(LOGITS);
        if (logits == null) {
            throw new ModelContractException(
                    file + ": no output named 'logits' (outputs: " + outputs.keySet() + ")",
                    "export it with `optimum-cli export onnx --task text-classification`, which names it logits");
        }
        TensorInfo info = checkTensor(file, "output", LOGITS, logits);
        if (info.type != OnnxJavaType.FLOAT) {
            throw new ModelContractException(
                    file + ": output 'logits' is " + info + ", the contract wants float [batch, labels]",
                    "export the model in float32 (int8 quantization keeps float logits)");
        }
        long width = info.getShape()[1];
        if (width > 0 && width != labelCount) {
            throw new ModelContractException(
                    file + ": 'logits' has " + width + " columns but config.json's id2label names " + labelCount
                            + " labels",
                    "use the config.json exported with this model.onnx; they must agree");
        }
    }

    private static TensorInfo checkTensor(Path file, String kind, String name, NodeInfo node) {
        if (!(node.getInfo() instanceof TensorInfo info) || info.getShape().length != 2) {
            throw new ModelContractException(
                    file + ": " + kind + " '" + name + "' is " + node.getInfo() + ", the contract wants a tensor"
                            + " [batch, " + (kind.equals("input") ? "sequence" : "labels") + "]",
                    "export it with `optimum-cli export onnx --task text-classification`");
        }
        return info;
    }

    /** Logits for each text of a batch, in the batch's order. */
    public float[][] classify(List<long[]> batch) throws OrtException {
        int rows = batch.size();
        int width = 0;
        for (long[] row : batch) {
            width = Math.max(width, row.length);
        }
        ids.start(rows * width);
        mask.start(rows * width);
        for (long[] row : batch) {
            for (long id : row) {
                ids.put(id);
                mask.put(1);
            }
            for (int i = row.length; i < width; i++) {
                ids.put(padId);
                mask.put(0);
            }
        }
        if (tokenTypes != null) {
            tokenTypes.start(rows * width);
            for (int i = 0; i < rows * width; i++) {
                tokenTypes.put(0);
            }
        }
        long[] shape = {rows, width};
        Map<String, OnnxTensor> inputs = new HashMap<>(4);
        try {
            inputs.put(INPUT_IDS, ids.tensor(env, shape));
            inputs.put(ATTENTION_MASK, mask.tensor(env, shape));
            if (tokenTypes != null) {
                inputs.put(TOKEN_TYPE_IDS, tokenTypes.tensor(env, shape));
            }
            try (OrtSession.Result result = session.run(inputs, OUTPUTS)) {
                OnnxTensor logits = (OnnxTensor) result.get(LOGITS).orElseThrow();
                long[] got = logits.getInfo().getShape();
                if (got[0] != rows || got[1] != labels) {
                    throw new ModelContractException(
                            file + ": 'logits' came back as " + Arrays.toString(got) + " for a batch of " + rows
                                    + ", but config.json's id2label names " + labels + " labels",
                            "use the config.json exported with this model.onnx; they must agree");
                }
                FloatBuffer values = logits.getFloatBuffer();
                float[][] out = new float[rows][labels];
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

    /**
     * Whether ONNX Runtime reads this session's inputs in place: the tensors of a batch wrap the session's direct
     * buffers instead of copies of them.
     */
    boolean inputsReadInPlace() throws OrtException {
        ids.start(1);
        ids.put(padId);
        try (OnnxTensor tensor = ids.tensor(env, new long[] {1, 1})) {
            return !tensor.ownsBuffer();
        }
    }

    public int threads() {
        return threads;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }

    /**
     * A direct, native-order buffer of one int64 or int32 input, grown when a batch needs more and kept for the
     * next.
     */
    private static final class InputBuffer {
        private final boolean int32;
        private ByteBuffer bytes = ByteBuffer.allocateDirect(0);
        private LongBuffer longs;
        private IntBuffer ints;

        InputBuffer(NodeInfo node) {
            this.int32 = ((TensorInfo) node.getInfo()).type == OnnxJavaType.INT32;
        }

        /** Starts filling {@code elements} values. */
        void start(int elements) {
            int size = elements * (int32 ? Integer.BYTES : Long.BYTES);
            if (bytes.capacity() < size) {
                bytes = ByteBuffer.allocateDirect(Math.max(size, bytes.capacity() * 2))
                        .order(ByteOrder.nativeOrder());
            }
            bytes.clear().limit(size);
            if (int32) {
                ints = bytes.asIntBuffer();
            } else {
                longs = bytes.asLongBuffer();
            }
        }

        void put(long value) {
            if (int32) {
                ints.put((int) value);
            } else {
                longs.put(value);
            }
        }

        /** A tensor over what was filled since {@link #start}; it reads the buffer in place. */
        OnnxTensor tensor(OrtEnvironment env, long[] shape) throws OrtException {
            return int32
                    ? OnnxTensor.createTensor(env, ints.flip(), shape)
                    : OnnxTensor.createTensor(env, longs.flip(), shape);
        }
    }
}
