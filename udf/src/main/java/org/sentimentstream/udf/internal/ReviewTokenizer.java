package org.sentimentstream.udf.internal;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Tokenization with the model's own {@code tokenizer.json} (WordPiece, byte-level BPE, Unigram: whatever model,
 * normalizer, pre-tokenizer and post-processor it defines, with its special tokens) through DJL's binding of the
 * Hugging Face tokenizers library, so that ids equal those of transformers. Padding is off: batches are padded
 * later, to their own longest text ({@link OnnxClassifier}). DJL ignores the truncation and padding settings inside
 * tokenizer.json, so they are passed explicitly; truncation keeps the special tokens the post-processor adds.
 */
public final class ReviewTokenizer implements AutoCloseable {

    static {
        // DJL picks a CUDA flavour of its native library on GPU hosts and then tries to download it; the CPU
        // flavour shipped inside the jar is what a tokenizer needs, and downloads are impossible offline.
        if (System.getProperty("RUST_FLAVOR") == null && System.getenv("RUST_FLAVOR") == null) {
            System.setProperty("RUST_FLAVOR", "cpu");
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;

    private ReviewTokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    public static ReviewTokenizer open(Path tokenizerJson, int maxLength) throws IOException {
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(maxLength)
                    .optPadding(false)
                    .build();
            return new ReviewTokenizer(tokenizer, maxLength);
        } catch (RuntimeException | LinkageError e) {
            throw NativeLibraries.explain(e);
        }
    }

    public TokenizedText encode(String text) {
        Encoding encoding = tokenizer.encode(text);
        return new TokenizedText(encoding.getIds(), encoding.exceedMaxLength());
    }

    public int maxLength() {
        return maxLength;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
