package org.sentimentstream.udf.internal;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.SentimentOptions;

import org.apache.flink.annotation.Internal;

/**
 * What the model reads of a text, as the settings say: its markup turned into plain text ({@code strip-html}), the
 * whole text tokenized, and cut into one sequence or windows ({@code long-text}). The scorer, and whatever must
 * see a text as the scorer does, read through it.
 */
@Internal
public final class TextReader {

    private final ReviewTokenizer tokenizer;
    private final LongTextSplitter splitter;
    private final boolean stripHtml;

    private TextReader(ReviewTokenizer tokenizer, LongTextSplitter splitter, boolean stripHtml) {
        this.tokenizer = tokenizer;
        this.splitter = splitter;
        this.stripHtml = stripHtml;
    }

    /**
     * A reader of texts with {@code tokenizer}, which must be open for as long as the reader is used.
     *
     * @throws InvalidSettingException when a sequence leaves no room for text beside this model's special tokens
     */
    public static TextReader of(InferenceConfig config, ReviewTokenizer tokenizer) {
        int specialTokens = tokenizer.leadingSpecialTokens() + tokenizer.trailingSpecialTokens();
        boolean headTail = config.longText() == SentimentOptions.LongText.HEAD_TAIL;
        if (config.maxSequenceLength() <= specialTokens
                || (headTail && config.headTokens() >= config.maxSequenceLength() - specialTokens)) {
            throw new InvalidSettingException(
                    headTail ? SentimentOptions.HEAD_TOKENS : SentimentOptions.MAX_SEQUENCE_LENGTH,
                    "leaves no room for the text's end: a sequence of " + config.maxSequenceLength() + " tokens holds "
                            + specialTokens + " special tokens of this model",
                    "raise {" + SentimentOptions.MAX_SEQUENCE_LENGTH.key() + "} or lower {"
                            + SentimentOptions.HEAD_TOKENS.key() + "}");
        }
        return new TextReader(
                tokenizer,
                new LongTextSplitter(config, tokenizer.leadingSpecialTokens(), tokenizer.trailingSpecialTokens()),
                config.stripHtml());
    }

    public TokenWindows read(String text) {
        return splitter.split(tokenizer.encodeWhole(stripHtml ? HtmlText.toPlainText(text) : text));
    }

    @Override
    public String toString() {
        return splitter + (stripHtml ? ", HTML to plain text" : "");
    }
}
