package org.sentimentstream.job.pipeline;

import org.sentimentstream.udf.ModelAnnouncement;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Which announcement of a control topic is the newest, and what is not an announcement. */
class NewestAnnouncementTest {

    private static final String SHA = "ab".repeat(32);

    private static ConsumerRecord<byte[], byte[]> record(int partition, long offset, long timestamp, String value) {
        return new ConsumerRecord<>(
                "models",
                partition,
                offset,
                timestamp,
                TimestampType.CREATE_TIME,
                0,
                value == null ? 0 : value.length(),
                null,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8),
                new RecordHeaders(),
                Optional.empty());
    }

    private static String announcing(String model) {
        return "{\"model\":\"" + model + "\"}";
    }

    @Test
    void nothingReadNamesNoModel() {
        assertThat(new NewestAnnouncement().newest()).isEmpty();
    }

    @Test
    void theHighestOffsetOfAPartitionWins() {
        NewestAnnouncement newest = new NewestAnnouncement();
        newest.offer(record(0, 5, 100, announcing("/models/2")));
        newest.offer(record(0, 3, 200, announcing("/models/1"))); // read late, older position
        assertThat(newest.newest().map(ModelAnnouncement::model)).contains("/models/2");
        newest.offer(record(0, 6, 50, announcing("/models/3")));
        assertThat(newest.newest().map(ModelAnnouncement::model)).contains("/models/3");
    }

    @Test
    void acrossPartitionsTheLatestTimestampWins() {
        NewestAnnouncement newest = new NewestAnnouncement();
        newest.offer(record(1, 10, 2_000, announcing("/models/b")));
        newest.offer(record(0, 90, 1_000, announcing("/models/a")));
        assertThat(newest.newest().map(ModelAnnouncement::model)).contains("/models/b");
    }

    @Test
    void theAnnouncementKeepsItsShaAndCanary() {
        NewestAnnouncement newest = new NewestAnnouncement();
        newest.offer(record(
                0, 0, 1, "{\"model\":\"hf:org/model@v2\",\"sha256\":\"" + SHA + "\",\"canary\":[\"great\",\"bad\"]}"));
        assertThat(newest.newest()).contains(new ModelAnnouncement("hf:org/model@v2", SHA, List.of("great", "bad")));
    }

    @Test
    void malformedRecordsAreSkippedAndCounted() {
        NewestAnnouncement newest = new NewestAnnouncement();
        assertThat(newest.offer(record(0, 0, 1, announcing("/models/1")))).isTrue();
        List<String> malformed = List.of(
                "not json",
                "{\"sha256\":\"" + SHA + "\"}", // no model
                "{\"model\":\" \"}",
                "{\"model\":\"/models/2\",\"sha256\":\"xyz\"}",
                "{\"model\":\"/models/2\",\"version\":2}", // unknown field
                "[\"/models/2\"]",
                "");
        long offset = 1;
        for (String value : malformed) {
            assertThat(newest.offer(record(0, offset++, 2, value))).as(value).isFalse();
        }
        assertThat(newest.offer(record(0, offset, 2, null))).as("tombstone").isFalse();

        assertThat(newest.malformed()).isEqualTo(malformed.size() + 1);
        assertThat(newest.newest().map(ModelAnnouncement::model)).contains("/models/1");
    }
}
