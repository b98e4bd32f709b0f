package org.sentimentstream.cli;

import org.sentimentstream.cli.input.ReviewFile;
import org.sentimentstream.cli.input.ReviewInput;
import org.sentimentstream.embedded.TopicReadiness;
import org.sentimentstream.udf.InvalidSettingException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
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

    private void createTopicIfMissing() throws InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = admin(p)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) -1)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
            TopicReadiness.await(admin, List.of(topic), Duration.ofSeconds(60));
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new InvalidSettingException(
                        "topic",
                        "cannot create topic " + topic + " on " + bootstrapServers + ": "
                                + e.getCause().getMessage(),
                        "create it yourself, or grant this client CREATE on the cluster",
                        e);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new InvalidSettingException(
                    "bootstrap-servers",
                    "Kafka at " + bootstrapServers + " did not answer within 60 s",
                    "check the host and port, and that the broker is up and reachable from here",
                    e);
        }
    }

    /** An admin client; an address the client cannot use (no port, a name that does not resolve) is the user's. */
    private Admin admin(Properties p) {
        try {
            return Admin.create(p);
        } catch (KafkaException e) {
            throw new InvalidSettingException(
                    "bootstrap-servers",
                    "cannot use '" + bootstrapServers + "': "
                            + (e.getCause() == null
                                    ? e.getMessage()
                                    : e.getCause().getMessage()),
                    "give host:port[,host:port...] of brokers this machine can resolve and reach",
                    e);
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
