package org.sentimentstream.embedded;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobOutputReaderTest {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void countsScoredRecordsAndDeadLettersAndStopsWhenTheCheckFails() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(1, "scored", "dead-letters");
            long sentAt = System.currentTimeMillis() - 5_000;
            try (KafkaProducer<String, String> producer = KafkaProducers.strings(kafka.bootstrapServers())) {
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>("scored", null, sentAt, "s" + i, "scored-" + i));
                }
                producer.send(new ProducerRecord<>("dead-letters", null, sentAt, "d0", "dead-0"));
            }

            List<String> seen = new ArrayList<>();
            try (JobOutputReader reader = new JobOutputReader(
                    kafka.bootstrapServers(),
                    "scored",
                    "dead-letters",
                    (r, scored) ->
                            seen.add((scored ? "scored:" : "dead:") + new String(r.value(), StandardCharsets.UTF_8)))) {
                reader.await(4, () -> {});

                assertThat(seen)
                        .containsExactlyInAnyOrder(
                                "scored:scored-0", "scored:scored-1", "scored:scored-2", "dead:dead-0");
                assertThat(reader.total()).isEqualTo(4);
                assertThat(reader.deadLetters()).isEqualTo(1);
                // from the producer's timestamp, 5 s before sending
                assertThat(reader.latenciesMs())
                        .hasSize(3)
                        .allSatisfy(ms -> assertThat(ms).isGreaterThanOrEqualTo(5_000));
                assertThat(reader.lastArrivalMs()).isGreaterThan(sentAt);

                reader.reset();
                assertThat(reader.total()).isZero();
                assertThat(reader.latenciesMs()).isEmpty();

                // nothing more arrives: the check is what ends the wait
                assertThatThrownBy(() -> reader.await(1, () -> {
                            throw new IllegalStateException("the job ended early");
                        }))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("the job ended early");
            }
        }
    }
}
