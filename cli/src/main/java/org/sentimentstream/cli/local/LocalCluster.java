package org.sentimentstream.cli.local;

import org.sentimentstream.embedded.EmbeddedKafkaBroker;
import org.sentimentstream.embedded.KafkaProducers;
import org.sentimentstream.embedded.RetainingMetricReporter;
import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.job.config.KafkaOptions;
import org.sentimentstream.job.config.PipelineOptions;
import org.sentimentstream.job.pipeline.SentimentPipeline;
import org.sentimentstream.udf.SentimentOptions;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The embedded cluster of {@code local}: an in-process KRaft broker with the job's three topics, the job on a local
 * MiniCluster reading from the earliest offset, a producer into the input topic and a reader of the committed
 * output. Every listener binds to 127.0.0.1. Closing it cancels the job and stops the broker.
 */
public final class LocalCluster implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final JobConfig config;
    private final JobClient job;
    private final KafkaProducer<byte[], byte[]> producer;
    private final LocalOutput output;

    private LocalCluster(
            EmbeddedKafkaBroker broker,
            JobConfig config,
            JobClient job,
            KafkaProducer<byte[], byte[]> producer,
            LocalOutput output) {
        this.broker = broker;
        this.config = config;
        this.job = job;
        this.producer = producer;
        this.output = output;
    }

    /** Starts the broker and the job with {@code model}, and waits until the job runs; says what it started. */
    public static LocalCluster start(JobConfig config, Path model, int parallelism, PrintStream log) throws Exception {
        RetainingMetricReporter.clear();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        JobClient job = null;
        try {
            String in = config.get(KafkaOptions.INPUT_TOPIC);
            String scoredTopic = config.get(KafkaOptions.OUTPUT_TOPIC);
            String dlqTopic = config.get(KafkaOptions.DLQ_TOPIC);
            broker.createTopics(parallelism, in, scoredTopic, dlqTopic);
            log.printf(
                    "Kafka broker (KRaft, in-process) at %s: topics %s, %s, %s%n",
                    broker.bootstrapServers(), in, scoredTopic, dlqTopic);

            Map<String, String> embedded = new HashMap<>(Map.of(
                    KafkaOptions.BOOTSTRAP_SERVERS.key(), broker.bootstrapServers(),
                    KafkaOptions.STARTING_OFFSETS.key(), "EARLIEST",
                    SentimentOptions.MODEL.key(), model.toString()));
            if (config.getOptional(PipelineOptions.CHECKPOINT_INTERVAL).isEmpty()) {
                embedded.put(PipelineOptions.CHECKPOINT_INTERVAL.key(), "1 s");
            }
            JobConfig jobConfig = config.with(embedded);
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(parallelism, flinkConfiguration());
            SentimentPipeline.define(env, jobConfig);
            log.printf(
                    "Flink MiniCluster: parallelism %d, %s delivery, checkpoint every %s; model %s%n",
                    parallelism,
                    jobConfig.get(KafkaOptions.DELIVERY_GUARANTEE),
                    jobConfig.redacted().get(PipelineOptions.CHECKPOINT_INTERVAL.key()),
                    model);
            job = env.executeAsync("sentiment-stream (local)");
            LocalOutput output = new LocalOutput(broker.bootstrapServers(), scoredTopic, dlqTopic);
            waitUntilRunning(job);
            return new LocalCluster(broker, jobConfig, job, KafkaProducers.bytes(broker.bootstrapServers()), output);
        } catch (Exception | Error e) {
            if (job != null) {
                job.cancel();
            }
            broker.close();
            throw e;
        }
    }

    /** Sends a record to the input topic, stamped now. */
    public void produce(byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(
                config.get(KafkaOptions.INPUT_TOPIC), null, System.currentTimeMillis(), key, value));
    }

    public void flush() {
        producer.flush();
    }

    public String inputTopic() {
        return config.get(KafkaOptions.INPUT_TOPIC);
    }

    /** The committed output read so far. */
    LocalOutput output() {
        return output;
    }

    /**
     * Waits until the output holds {@code expected} records (scored and dead letters), printing progress on
     * {@code progress} when it is not null; fails when the job ends first.
     */
    void awaitTotal(int expected, PrintStream progress) throws Exception {
        output.await(expected, () -> {
            if (progress != null) {
                progress.printf(
                        "  ... %d scored, %d dead letters of %d%n",
                        output.scored.size(), output.total() - output.scored.size(), expected);
            }
            failIfEnded();
        });
    }

    /**
     * Throws when the job has ended, with the job's own failure: a local MiniCluster shuts down with its job, after
     * which it can no longer be asked for the status.
     */
    private void failIfEnded() throws Exception {
        JobStatus status;
        try {
            status = job.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            status = JobStatus.FAILED; // the cluster is gone with its job
        }
        if (!status.isGloballyTerminalState()) {
            return;
        }
        Throwable cause;
        try {
            job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
            cause = null;
        } catch (Exception e) {
            cause = org.apache.flink.util.ExceptionUtils.stripExecutionException(e);
            for (Throwable t = cause; t != null; t = t.getCause()) {
                cause = t; // the root cause says what went wrong, the wrappers only where
            }
        }
        throw new IllegalStateException(
                "the job ended early (" + status + ")" + (cause == null ? "" : ": " + cause.getMessage()), cause);
    }

    /** Waits until the job runs; fails when it ends first or does not start within two minutes. */
    public static void waitUntilRunning(JobClient job) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            if (System.currentTimeMillis() > deadline
                    || job.getJobStatus().get().isGloballyTerminalState()) {
                throw new IllegalStateException(
                        "the job did not start: " + job.getJobStatus().get());
            }
            Thread.sleep(100);
        }
    }

    /** A MiniCluster's configuration: every listener on 127.0.0.1, metrics retained for the summary. */
    public static Configuration flinkConfiguration() {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(JobManagerOptions.ADDRESS, "127.0.0.1");
        conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.HOST, "127.0.0.1");
        conf.setString("metrics.reporter.local.factory.class", RetainingMetricReporter.class.getName());
        // A broken setup should end the demo with its error, not restart forever.
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "2");
        conf.setString("restart-strategy.fixed-delay.delay", "1 s");
        return conf;
    }

    @Override
    public void close() throws Exception {
        try (EmbeddedKafkaBroker b = broker;
                LocalOutput o = output;
                KafkaProducer<byte[], byte[]> p = producer) {
            cancelIfRunning();
        }
    }

    private void cancelIfRunning() throws Exception {
        try {
            if (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | IllegalStateException e) {
            // the MiniCluster already shut down with its ended job: nothing to cancel
        }
    }
}
