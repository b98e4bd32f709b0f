package org.sentimentstream.udf.internal;

import org.sentimentstream.udf.SentimentOptions.LongText;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.apache.flink.annotation.Internal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Tokenization with the model's own {@code tokenizer.json} (WordPiece, byte-level BPE, Unigram: whatever model,
 * normalizer, pre-tokenizer and post-processor it defines, with its special tokens) through DJL's binding of the
 * Hugging Face tokenizers library, so that ids equal those of transformers. Padding is off: batches are padded
 * later, to their own longest text ({@link OnnxClassifier}). Truncation is off too (DJL ignores the settings inside
 * tokenizer.json, so both are passed explicitly): a text is tokenized whole, and {@link LongTextSplitter} decides
 * what the model reads of it. The special tokens the post-processor puts around a text are counted once, at open,
 * so that the splitter can put them around every window.
 */
@Internal
public final class ReviewTokenizer implements AutoCloseable {

    static {
        // DJL picks a CUDA flavour of its native library on GPU hosts and then tries to download it; the CPU
        // flavour shipped inside the jar is what a tokenizer needs, and downloads are impossible offline.
        if (System.getProperty("RUST_FLAVOR") == null && System.getenv("RUST_FLAVOR") == null) {
            System.setProperty("RUST_FLAVOR", "cpu");
        }
    }

    /** A text whose encoding shows the special tokens around every text. */
    private static final String PROBE = "a";

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final int leadingSpecialTokens;
    private final int trailingSpecialTokens;
    private final LongTextSplitter truncation;

    private ReviewTokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        long[] special = tokenizer.encode(PROBE).getSpecialTokenMask();
        int leading = 0;
        while (leading < special.length && special[leading] == 1) {
            leading++;
        }
        int trailing = 0;
        while (trailing < special.length - leading && special[special.length - 1 - trailing] == 1) {
            trailing++;
        }
        this.leadingSpecialTokens = leading;
        this.trailingSpecialTokens = trailing;
        this.truncation = new LongTextSplitter(LongText.TRUNCATE, maxLength, leading, trailing, 0, 1, 0);
    }

    /** A tokenizer whose {@link #encode} keeps at most {@code maxLength} tokens, special tokens included. */
    public static ReviewTokenizer open(Path tokenizerJson, int maxLength) throws IOException {
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(true)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
            return new ReviewTokenizer(tokenizer, maxLength);
        } catch (RuntimeException | LinkageError e) {
            throw NativeLibraries.explain(e);
        }
    }

    /** The whole text's token ids, with the special tokens around it. */
    public long[] encodeWhole(String text) {
        return tokenizer.encode(text).getIds();
    }

    /**
     * The first {@code maxLength} tokens of a text, as the model's own truncation would keep them: the special
     * tokens around the first tokens of the text, flagged truncated when the text was longer.
     */
    public TokenizedText encode(String text) {
        return truncation.split(encodeWhole(text)).windows().get(0);
    }

    public int maxLength() {
        return maxLength;
    }

    /** Special tokens the tokenizer puts before every text (e.g. 1: [CLS]). */
    public int leadingSpecialTokens() {
        return leadingSpecialTokens;
    }

    /** Special tokens the tokenizer puts after every text (e.g. 1: [SEP]). */
    public int trailingSpecialTokens() {
        return trailingSpecialTokens;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
