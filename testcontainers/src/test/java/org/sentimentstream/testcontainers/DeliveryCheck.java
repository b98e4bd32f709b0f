package org.sentimentstream.testcontainers;

import org.sentimentstream.job.records.DeadLetters;
import org.sentimentstream.testcontainers.ReviewRecords.Review;
import org.sentimentstream.testing.SentimentAssertions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What became of every input: counted, then checked record by record against what it should have become. */
public final class DeliveryCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The counts a closing note reports. */
    public record Tally(int inputs, int scored, int deadLetters, int duplicates, int lost, int misrouted) {
        @Override
        public String toString() {
            return String.format(
                    "inputs %d, scored %d, dead letters %d, duplicates %d, lost %d, misrouted %d",
                    inputs, scored, deadLetters, duplicates, lost, misrouted);
        }
    }

    private DeliveryCheck() {}

    public static Tally tally(
            List<Review> inputs,
            Map<String, List<ConsumerRecord<byte[], byte[]>>> scored,
            Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters) {
        int duplicates = 0;
        int lost = 0;
        int misrouted = 0;
        Set<String> keys = new HashSet<>();
        for (Review r : inputs) {
            keys.add(r.key());
            int outputs = scored.getOrDefault(r.key(), List.of()).size()
                    + deadLetters.getOrDefault(r.key(), List.of()).size();
            if (outputs == 0) {
                lost++;
            }
            duplicates += Math.max(0, outputs - 1);
            if ((r.scored() ? deadLetters : scored).containsKey(r.key())) {
                misrouted++;
            }
        }
        int unknown = (int) (scored.keySet().stream()
                        .filter(k -> !keys.contains(k))
                        .count()
                + deadLetters.keySet().stream().filter(k -> !keys.contains(k)).count());
        assertThat(unknown).as("outputs without an input").isZero();
        return new Tally(inputs.size(), count(scored), count(deadLetters), duplicates, lost, misrouted);
    }

    /** Each input exactly once, in the right topic, with the right content. */
    public static void assertExactlyOnce(
            List<Review> inputs,
            KafkaTopics topics,
            Map<String, List<ConsumerRecord<byte[], byte[]>>> scored,
            Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters) {
        Tally tally = tally(inputs, scored, deadLetters);
        assertThat(tally.lost()).as("lost (%s)", tally).isZero();
        assertThat(tally.duplicates()).as("duplicated (%s)", tally).isZero();
        assertThat(tally.misrouted()).as("in the wrong topic (%s)", tally).isZero();
        assertThat(tally.scored() + tally.deadLetters())
                .as("in = scored + dead letters")
                .isEqualTo(inputs.size());
        for (Review r : inputs) {
            if (r.scored()) {
                assertScored(r, scored.get(r.key()).get(0), topics);
            } else {
                assertDeadLetter(r, deadLetters.get(r.key()).get(0), topics);
            }
        }
    }

    private static void assertScored(Review r, ConsumerRecord<byte[], byte[]> out, KafkaTopics topics) {
        assertThat(out.topic()).isEqualTo(topics.output);
        JsonNode json = read(out.value());
        assertThat(json.get("id").asText()).isEqualTo(r.key());
        assertThat(json.get("text").asText()).isEqualTo(r.reference().text);
        SentimentAssertions.assertScoredByDefault(json.get("sentiment"), r.reference());
    }

    private static void assertDeadLetter(Review r, ConsumerRecord<byte[], byte[]> out, KafkaTopics topics) {
        assertThat(out.topic()).isEqualTo(topics.deadLetters);
        assertThat(out.value()).as("original value of %s", r.key()).isEqualTo(r.value());
        assertThat(header(out, DeadLetters.REASON))
                .as("reason of %s", r.key())
                .isEqualTo(r.reason().name());
        assertThat(header(out, DeadLetters.SOURCE_TOPIC)).isEqualTo(topics.input);
    }

    private static int count(Map<String, List<ConsumerRecord<byte[], byte[]>>> byKey) {
        return byKey.values().stream().mapToInt(List::size).sum();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode read(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + new String(value, StandardCharsets.UTF_8), e);
        }
    }
}
