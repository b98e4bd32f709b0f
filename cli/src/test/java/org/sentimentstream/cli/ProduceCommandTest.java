package org.sentimentstream.cli;

import org.sentimentstream.cli.input.ReviewInput;
import org.sentimentstream.embedded.EmbeddedKafkaBroker;
import org.sentimentstream.embedded.ReadCommittedConsumer;
import org.sentimentstream.embedded.Topics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code produce} writes the sample, keyed by id, into a topic it creates, as many times as asked. */
class ProduceCommandTest {

    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void producesTheSampleTwiceIntoANewTopic() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cmd = Main.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        int code = cmd.execute(
                "produce",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic",
                "produced",
                "--partitions",
                "3",
                "--repeat",
                "2");

        assertThat(code).isZero();
        ReviewInput sample = ReviewInput.sample();
        assertThat(out.toString())
                .contains(
                        "produced " + sample.size() + " records to produced",
                        "produced " + 2 * sample.size() + " records to produced");
        List<ConsumerRecord<byte[], byte[]>> records = readAll("produced", 3);
        assertThat(records).hasSize(2 * sample.size());
        List<String> values = records.stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .toList();
        for (int i = 0; i < sample.size(); i++) {
            String value = new String(sample.value(i), StandardCharsets.UTF_8);
            assertThat(values.stream().filter(value::equals).count())
                    .as("copies of record %d", i)
                    .isEqualTo(2);
        }
        assertThat(records).allSatisfy(r -> assertThat(r.key()).isNotNull());
    }

    @Test
    void refusesANegativeRate() {
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        int code = cmd.execute("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--rate", "-1");

        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("--rate");
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int partitions) throws Exception {
        try (Admin admin = Topics.admin(kafka.bootstrapServers(), Map.of())) {
            assertThat(admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(30, TimeUnit.SECONDS)
                            .get(topic)
                            .partitions())
                    .hasSize(partitions);
        }
        return ReadCommittedConsumer.readToEnd(
                kafka.bootstrapServers(), Map.of(), List.of(topic), Duration.ofSeconds(30));
    }
}
