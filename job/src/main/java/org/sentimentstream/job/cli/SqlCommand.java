package org.sentimentstream.job.cli;

import org.sentimentstream.job.sql.SqlScript;
import org.sentimentstream.udf.InvalidInputException;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Runs a Flink SQL script on the cluster the job jar was submitted to ({@code flink run job.jar sql --file ...}):
 * the {@code 'onnx'} model provider and {@code SENTIMENT()} are in this jar, and so is the Kafka SQL connector.
 */
@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a Flink SQL script (CREATE TABLE / MODEL / FUNCTION, SET, INSERT ...) as one streaming job"
                    + " on the cluster this jar is submitted to. Its INSERTs go out as one statement set.",
            "The bundled example runs with --file classpath:sql/reviews-pipeline.sql"
                    + " -Dbootstrap.servers=<host:port> -Dinput.topic=<topic> -Doutput.topic=<topic>."
        })
public final class SqlCommand implements Callable<Integer> {

    static final String CLASSPATH = "classpath:";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = {"-f", "--file"},
            required = true,
            paramLabel = "<script.sql>",
            description = "The SQL script: a file, or classpath:<resource> for one bundled in the jar"
                    + " (classpath:sql/reviews-pipeline.sql).")
    String file;

    @Option(
            names = "-D",
            paramLabel = "<name>=<value>",
            description = "Value of $${name} in the script ($${name:-default} has a default). Repeatable.")
    Map<String, String> variables = new LinkedHashMap<>();

    @Option(names = "--explain", description = "Print the plan of the script's INSERTs instead of submitting it.")
    boolean explain;

    @Option(names = "--wait", description = "Block until the job ends (a streaming job runs until cancelled).")
    boolean await;

    @Override
    public Integer call() throws Exception {
        try {
            return run();
        } catch (SqlScript.SqlScriptException e) {
            // Flink's message with the script line; 2 (as for any invalid setting) when a setting is the cause.
            spec.commandLine().getErr().println(e.getMessage());
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof InvalidInputException) {
                    return 2;
                }
            }
            return 1;
        }
    }

    private int run() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SqlScript script = SqlScript.parse(file, read(file), variables);
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        if (explain) {
            out.println(script.explain(tEnv, out));
            return 0;
        }
        Optional<TableResult> result = script.execute(tEnv, out);
        if (result.isEmpty()) {
            out.println("The script submitted no job (it has no INSERT).");
            return 0;
        }
        result.get().getJobClient().ifPresent(client -> out.println("Submitted job " + client.getJobID()));
        if (await) {
            result.get().await();
        }
        return 0;
    }

    /** The script: a file, or a resource of the jar for {@code classpath:<resource>}. */
    public static String read(String file) throws IOException {
        if (file.startsWith(CLASSPATH)) {
            String resource = file.substring(CLASSPATH.length());
            try (InputStream in = SqlCommand.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new InvalidInputException(
                            "no script '" + resource + "' in the job jar",
                            "use classpath:sql/reviews-pipeline.sql, or a file path");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("no SQL script at '" + file + "'", "give the path of a .sql file");
        }
    }
}
