package org.sentimentstream.testcontainers;

import org.sentimentstream.job.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The job jar's entry point run in this JVM, as {@code flink run} calls it, with its standard error captured. */
final class InProcessRun {

    /** Exit code and standard error of one run of the job jar's entry point. */
    record Exit(int code, String err) {}

    private InProcessRun() {}

    static Exit execute(List<String> args) {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute(args.toArray(String[]::new));
        } finally {
            System.setErr(originalErr);
        }
        String message = err.toString(StandardCharsets.UTF_8);
        originalErr.println(message);
        return new Exit(code, message);
    }
}
