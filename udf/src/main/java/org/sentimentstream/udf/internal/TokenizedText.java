package org.sentimentstream.udf.internal;

/** Token ids of one text, [CLS] and [SEP] included, and whether the text was cut to the maximum length. */
public final class TokenizedText {

    private final long[] ids;
    private final boolean truncated;

    public TokenizedText(long[] ids, boolean truncated) {
        this.ids = ids;
        this.truncated = truncated;
    }

    /** The ids; not copied, callers must not modify them. */
    public long[] ids() {
        return ids;
    }

    public int length() {
        return ids.length;
    }

    public boolean truncated() {
        return truncated;
    }
}
