package org.sentimentstream.udf.internal;

import org.apache.flink.annotation.Internal;

/**
 * Token ids of one text, the model's special tokens (e.g. [CLS] and [SEP]) included, and whether the text was cut to
 * the maximum length.
 */
@Internal
public record TokenizedText(long[] ids, boolean truncated) {

    /** Tokens, special tokens included. The ids are not copied: callers must not modify them. */
    public int length() {
        return ids.length;
    }
}
