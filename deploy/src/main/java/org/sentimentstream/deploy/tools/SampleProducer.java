package org.sentimentstream.deploy.tools;

import org.sentimentstream.job.local.SampleReviews;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * The compose stack's producer of sample reviews: creates the topics (if missing) and writes the job's 3,000 sample
 * reviews (or the lines of a file) plus one malformed record per dead-letter reason to the input topic. It needs
 * only the Kafka clients, which the job's cluster jar carries, so it runs in the production image:
 *
 * <pre>
 * java -cp /opt/flink/usrlib/sentiment-stream-job.jar:sentiment-stream-deploy.jar \
 *     org.sentimentstream.deploy.tools.SampleProducer --bootstrap-servers kafka:9092
 * </pre>
 *
 * Options: {@code --topic reviews}, {@code --create-topics reviews,reviews-scored,reviews-dlq},
 * {@code --partitions 2}, {@code --file reviews.jsonl} (one record per line), {@code --no-malformed},
 * {@code --wait 120} (seconds to wait for the broker).
 */
public final class SampleProducer {

    private SampleProducer() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(Map.of(
                "topic", "reviews",
                "create-topics", "reviews,reviews-scored,reviews-dlq",
                "partitions", "2",
                "wait", "120"));
        boolean malformed = true;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--no-malformed")) {
                malformed = false;
            } else if (arg.startsWith("--") && i + 1 < args.length) {
                opts.put(arg.substring(2), args[++i]);
            } else {
                System.err.println("Unknown argument '" + arg + "'. Usage: see the class comment.");
                System.exit(2);
            }
        }
        String bootstrap = opts.get("bootstrap-servers");
        if (bootstrap == null) {
            System.err.println("--bootstrap-servers is required, e.g. --bootstrap-servers kafka:9092");
            System.exit(2);
        }

        createTopics(bootstrap, opts.get("create-topics"), Integer.parseInt(opts.get("partitions")),
                Duration.ofSeconds(Long.parseLong(opts.get("wait"))));

        List<byte[]> values = new ArrayList<>();
        List<String> lines = opts.containsKey("file")
                ? Files.readAllLines(Path.of(opts.get("file")), StandardCharsets.UTF_8).stream()
                        .filter(l -> !l.isBlank()).toList()
                : SampleReviews.loadSampleLines();
        lines.forEach(l -> values.add(l.getBytes(StandardCharsets.UTF_8)));
        if (malformed) {
            values.addAll(SampleReviews.malformedRecords());
        }

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            int i = 0;
            for (byte[] value : values) {
                // keys spread the records over the partitions (and so over the job's subtasks)
                byte[] key = ("r" + i++).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(opts.get("topic"), key, value));
            }
            producer.flush();
        }
        System.out.println("Produced " + values.size() + " records to " + opts.get("topic") + " ("
                + lines.size() + " reviews" + (malformed ? ", " + SampleReviews.malformedRecords().size()
                + " malformed" : "") + ")");
    }

    private static void createTopics(String bootstrap, String names, int partitions, Duration wait)
            throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        long deadline = System.nanoTime() + wait.toNanos();
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    Set<String> existing = admin.listTopics().names().get();
                    List<NewTopic> missing = new ArrayList<>();
                    for (String name : names.split(",")) {
                        if (!name.isBlank() && !existing.contains(name.strip())) {
                            missing.add(new NewTopic(name.strip(), partitions, (short) 1));
                        }
                    }
                    if (!missing.isEmpty()) {
                        admin.createTopics(missing).all().get();
                    }
                    return;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicExistsException) {
                        return;
                    }
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    System.out.println("Waiting for Kafka at " + bootstrap + ": " + e.getCause());
                    Thread.sleep(2_000);
                }
            }
        }
    }
}
