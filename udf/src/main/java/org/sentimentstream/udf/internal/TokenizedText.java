package org.sentimentstream.udf.internal;

/** Token ids of one text, [CLS] and [SEP] included, and whether the text was cut to the maximum length. */
public record TokenizedText(long[] ids, boolean truncated) {

    /** Tokens, [CLS] and [SEP] included. The ids are not copied: callers must not modify them. */
    public int length() {
        return ids.length;
    }
}
