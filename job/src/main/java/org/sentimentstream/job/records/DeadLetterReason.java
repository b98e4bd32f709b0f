package org.sentimentstream.job.records;

/** Why a record went to the dead-letter topic; written to the {@code dlq.reason} header. */
public enum DeadLetterReason {
    INVALID_UTF8,
    INVALID_JSON,
    NOT_AN_OBJECT,
    MISSING_TEXT,
    NULL_TEXT,
    NON_STRING_TEXT,
    BLANK_TEXT,
    SCORING_FAILED
}
