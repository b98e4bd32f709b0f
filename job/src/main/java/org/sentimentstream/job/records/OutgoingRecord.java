package org.sentimentstream.job.records;

/** A record to write: a scored review or a dead letter. A Flink POJO. */
public class OutgoingRecord {

    public boolean deadLetter;
    public long timestamp;
    public byte[] key;
    public byte[] value;
    public String[] headerKeys = new String[0];
    public byte[][] headerValues = new byte[0][];

    public OutgoingRecord() {}

    public OutgoingRecord(boolean deadLetter, long timestamp, byte[] key, byte[] value, String[] headerKeys,
            byte[][] headerValues) {
        this.deadLetter = deadLetter;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
        this.headerKeys = headerKeys;
        this.headerValues = headerValues;
    }
}
