package org.sentimentstream.cli;

import org.sentimentstream.cli.input.ReviewFile;
import org.sentimentstream.cli.input.ReviewInput;
import org.sentimentstream.embedded.KafkaProducers;
import org.sentimentstream.embedded.Topics;
import org.sentimentstream.udf.InvalidSettingException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Writes reviews to a Kafka topic: the demo input of a deployed job (the compose stack's producer). */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = "Produces reviews to a Kafka topic, keyed by their id: the project's sample (912 labelled"
                + " reviews and one malformed record per dead-letter reason) or a file, once, n times or forever,"
                + " as fast as possible or at a given rate. Creates the topic when it does not exist.")
final class ProduceCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers, host:port[,...].")
    String bootstrapServers;

    @Option(names = "--topic", description = "Topic to write to. Default: ${DEFAULT-VALUE}.")
    String topic = "reviews";

    @Option(
            names = "--partitions",
            description = "Partitions of the topic if it is created. Default: ${DEFAULT-VALUE}.")
    int partitions = 2;

    @Option(
            names = "--reviews",
            description = "Produce this file instead of the sample: JSON Lines (a `text` field), a TSV with a header"
                    + " (`text` or `sentence` column), or plain text, one review per line.")
    Path reviews;

    @Option(
            names = "--format",
            description = "With --reviews: jsonl, tsv or text. Default: from the extension (.tsv a TSV, .txt text,"
                    + " else jsonl).")
    String format;

    @Option(names = "--rate", description = "Records per second; 0 = as fast as possible. Default: ${DEFAULT-VALUE}.")
    int rate = 0;

    @Option(
            names = "--repeat",
            description = "Times to produce the input; 0 = until stopped. Default: ${DEFAULT-VALUE}.")
    int repeat = 1;

    @Override
    public Integer call() throws Exception {
        if (rate < 0 || repeat < 0 || partitions < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--rate and --repeat must be >= 0 and --partitions >= 1");
        }
        ReviewInput input = reviews == null
                ? ReviewInput.sample()
                : ReviewInput.fromFile(reviews, "reviews", ReviewFile.Format.parse(format, reviews), "label");
        createTopicIfMissing();
        PrintWriter out = spec.commandLine().getOut();
        long sent = 0;
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int round = 0; repeat == 0 || round < repeat; round++) {
                for (int i = 0; i < input.size(); i++) {
                    producer.send(new ProducerRecord<>(topic, input.key(i), input.value(i)));
                    sent++;
                    if (rate > 0) {
                        pace(start, sent);
                    }
                }
                producer.flush();
                out.printf("produced %d records to %s%n", sent, topic);
                out.flush();
            }
        }
        return 0;
    }

    /** Sleeps until record {@code sent} is due at the configured rate. */
    private void pace(long start, long sent) throws InterruptedException {
        long due = start + TimeUnit.SECONDS.toNanos(1) * sent / rate;
        long early = due - System.nanoTime();
        if (early > 0) {
            TimeUnit.NANOSECONDS.sleep(early);
        }
    }

    /**
     * Creates the topic with the broker's default replication factor (a demo cluster may have one broker or three);
     * a broker that cannot be used or reached, or a refused creation, is the user's to fix.
     */
    private void createTopicIfMissing() {
        try {
            Topics.create(bootstrapServers, Map.of(), Topics.spec(partitions).replicationFactor((short) -1), topic);
        } catch (KafkaException | IllegalStateException e) {
            throw new InvalidSettingException(
                    "bootstrap-servers",
                    "cannot create or find topic " + topic + ": "
                            + (e.getCause() instanceof KafkaException
                                            && e.getCause().getMessage() != null
                                    ? e.getCause().getMessage()
                                    : e.getMessage()),
                    "give host:port[,host:port...] of brokers this machine can resolve and reach, and let this client"
                            + " create the topic (or create it yourself)",
                    e);
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return KafkaProducers.bytes(bootstrapServers);
    }
}
