package org.sentimentstream.job.cli;

import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.job.pipeline.SentimentPipeline;
import org.sentimentstream.job.pipeline.StartupChecks;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** The streaming job on a Flink cluster: {@code flink run job.jar run --bootstrap-servers kafka:9092 ...}. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Runs the streaming job on the Flink cluster this jar is submitted to. Settings come from"
                + " Flink configuration (-Dsentiment.<key>=...) and these flags, which win. Kafka client properties"
                + " pass through as --kafka.<property>=<value> (secrets are never logged).")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Unmatched
    List<String> unmatched = new ArrayList<>();

    static void addFlags(CommandLine.Model.CommandSpec spec) {
        Settings.addFlags(spec, JobConfig.allOptions());
    }

    @Override
    public Integer call() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobConfig config = JobConfig.from(
                        env.getConfiguration(), Settings.given(spec, JobConfig.allOptions(), unmatched))
                .requireBootstrapServers();
        LOG.info("Starting sentiment-stream with {}", config.redacted());
        SentimentPipeline.define(env, config);
        StartupChecks.run(config);
        env.execute("sentiment-stream");
        return 0;
    }
}
