package org.sentimentstream.udf;

import org.sentimentstream.udf.internal.ModelDirectory;
import org.sentimentstream.udf.internal.OnnxClassifier;
import org.sentimentstream.udf.internal.ReviewTokenizer;
import org.sentimentstream.udf.internal.TextReader;
import org.sentimentstream.udf.internal.TokenWindows;
import org.sentimentstream.udf.internal.TokenizedText;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A text's logits computed the slow, obvious way, as the expected value for the real scoring path: each sequence the
 * model reads of the text ({@link TextReader}, as the scorer reads it) scored alone, in a batch of one, on a session
 * of its own, and the windows' logits combined. No micro-batcher, no futures, no neighbours.
 */
public final class AloneScorer implements AutoCloseable {

    private final ReviewTokenizer tokenizer;
    private final TextReader reader;
    private final OnnxClassifier classifier;

    /** For a config whose model is a local directory. */
    public AloneScorer(InferenceConfig config) throws Exception {
        ModelDirectory model = ModelDirectory.read(Path.of(config.model()), null);
        tokenizer = ReviewTokenizer.open(model.tokenizerFile(), config.maxSequenceLength());
        reader = TextReader.of(config, tokenizer);
        classifier = OnnxClassifier.open(model, 1, false);
    }

    public TokenWindows windows(String text) {
        return reader.read(text);
    }

    public float[] logits(String text) throws Exception {
        TokenWindows windows = windows(text);
        List<float[]> logits = new ArrayList<>();
        for (TokenizedText window : windows.windows()) {
            logits.add(classifier.classify(List.of(window.ids()))[0]);
        }
        return windows.combine(logits);
    }

    @Override
    public void close() throws Exception {
        classifier.close();
        tokenizer.close();
    }
}
