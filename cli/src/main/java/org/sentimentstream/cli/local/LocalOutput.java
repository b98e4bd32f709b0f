package org.sentimentstream.cli.local;

import org.sentimentstream.embedded.JobOutputReader;
import org.sentimentstream.job.records.DeadLetters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The committed output of a local run: scored records parsed, dead letters counted by reason. */
final class LocalOutput implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final List<JsonNode> scored = new ArrayList<>();
    final Map<String, Integer> deadLetters = new TreeMap<>();
    final List<Long> latenciesMs;
    String lastDeadLetterReason;
    private final JobOutputReader output;

    LocalOutput(String bootstrap, String scoredTopic, String dlqTopic) {
        output = new JobOutputReader(bootstrap, scoredTopic, dlqTopic, this::accept);
        latenciesMs = output.latenciesMs();
    }

    int total() {
        return output.total();
    }

    long lastArrival() {
        return output.lastArrivalMs();
    }

    void await(int expected, JobOutputReader.Check check) throws Exception {
        output.await(expected, check);
    }

    private void accept(ConsumerRecord<byte[], byte[]> r, boolean isScored) throws IOException {
        if (isScored) {
            scored.add(JSON.readTree(r.value()));
        } else {
            Header reason = r.headers().lastHeader(DeadLetters.REASON);
            String key = reason == null ? "?" : new String(reason.value(), StandardCharsets.UTF_8);
            deadLetters.merge(key, 1, Integer::sum);
            lastDeadLetterReason = key;
        }
    }

    @Override
    public void close() {
        output.close();
    }
}
