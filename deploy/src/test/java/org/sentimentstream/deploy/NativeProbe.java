package org.sentimentstream.deploy;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Run by DockerContextIT in a JVM whose classpath is only the image's lib/ jars (as staged for this platform), this
 * class and slf4j: tokenizes a text with DJL and scores it with ONNX Runtime, proving that the stripped jars still
 * carry the natives this platform needs. Prints {@code LOGITS [..]} and where the classes came from.
 */
public final class NativeProbe {

    private NativeProbe() {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(model.resolve("tokenizer.json"))) {
            Encoding encoding = tokenizer.encode("a wonderful, moving film");
            long[][] ids = {encoding.getIds()};
            long[][] mask = {encoding.getAttentionMask()};
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session =
                            env.createSession(model.resolve("model.onnx").toString(), new OrtSession.SessionOptions());
                    OnnxTensor idsTensor = OnnxTensor.createTensor(env, ids);
                    OnnxTensor maskTensor = OnnxTensor.createTensor(env, mask);
                    OrtSession.Result result =
                            session.run(Map.of("input_ids", idsTensor, "attention_mask", maskTensor))) {
                float[][] logits = (float[][]) result.get(0).getValue();
                System.out.println("LOGITS " + Arrays.toString(logits[0]));
            }
        }
        System.out.println("ORT "
                + OrtEnvironment.class.getProtectionDomain().getCodeSource().getLocation());
        System.out.println("DJL "
                + HuggingFaceTokenizer.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation());
    }
}
