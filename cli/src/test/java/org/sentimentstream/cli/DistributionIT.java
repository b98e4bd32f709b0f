package org.sentimentstream.cli;

import org.sentimentstream.testing.SentimentAssertions;
import org.sentimentstream.testing.TestModels;
import org.sentimentstream.testing.TestModels.ReferenceCase;
import org.sentimentstream.testing.TinyModel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The distribution archive ({@code target/sentiment-stream-<version>.tar.gz}) unpacked outside the build and run
 * through {@code bin/sentiment-stream} with nothing but a Java runtime: no Maven, no classpath, no working directory
 * of the checkout.
 */
class DistributionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ARCHIVE = Path.of(System.getProperty("sentiment.distribution"));

    /** Where the archive is unpacked, and the runs' inputs and outputs. */
    @TempDir
    static Path dir;

    private record Run(int exitCode, String output) {}

    /** The archive unpacked with tar, as a user installs it; once per class. */
    private static Path installed() throws Exception {
        Path home = dir.resolve("installed")
                .resolve(ARCHIVE.getFileName().toString().replace(".tar.gz", ""));
        if (!Files.exists(home)) {
            Files.createDirectories(home.getParent());
            Process tar = new ProcessBuilder(
                            "tar",
                            "xzf",
                            ARCHIVE.toString(),
                            "-C",
                            home.getParent().toString())
                    .inheritIO()
                    .start();
            assertThat(tar.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(tar.exitValue()).isZero();
        }
        assertThat(home.resolve("bin/sentiment-stream")).isExecutable();
        return home;
    }

    private static Run run(Path workingDir, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(installed().resolve("bin/sentiment-stream").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JAVA_OPTS", "-Xmx512m");
        // to a file, so that the timeout holds even if the process hangs with its output open
        Path output = Files.createTempFile(dir, "run", ".log");
        Process process = builder.redirectOutput(output.toFile()).start();
        process.getOutputStream().close();
        boolean exited = process.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        assertThat(exited).as(Files.readString(output)).isTrue();
        return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheTerminalCommands() throws Exception {
        Run run = run(dir, "--help");

        assertThat(run.exitCode).as(run.output).isZero();
        assertThat(run.output)
                .contains("local")
                .contains("score")
                .contains("eval")
                .contains("bias-probe")
                .contains("produce");
    }

    @Test
    void scoreReproducesTransformersLogitsFromTheInstalledCopy() throws Exception {
        List<ReferenceCase> cases = TestModels.referenceCases().stream()
                .filter(c -> !c.text.isBlank() && !c.text.contains("\n") && !c.text.contains("\r"))
                .limit(20)
                .toList();
        Path input = dir.resolve("reviews.jsonl");
        List<String> lines = new ArrayList<>();
        for (ReferenceCase c : cases) {
            lines.add(JSON.writeValueAsString(Map.of("text", c.text)));
        }
        Files.write(input, lines, StandardCharsets.UTF_8);
        Path output = dir.resolve("scored.jsonl");

        Run run = run(
                dir,
                "score",
                "--model",
                TinyModel.dir().toString(),
                "--input",
                input.toString(),
                "--output",
                output.toString());

        assertThat(run.exitCode).as(run.output).isZero();
        List<String> scored = Files.readAllLines(output, StandardCharsets.UTF_8);
        assertThat(scored).hasSize(cases.size());
        for (int i = 0; i < cases.size(); i++) {
            JsonNode row = JSON.readTree(scored.get(i));
            assertThat(row.get("text").asText()).isEqualTo(cases.get(i).text);
            SentimentAssertions.assertScoredByDefault(row.get("sentiment"), cases.get(i));
        }
    }

    @Test
    void scoreWithTheShippedModelByItsRelativePathInTheDistribution() throws Exception {
        Path home = installed();
        Path input = dir.resolve("two.jsonl");
        Files.write(
                input,
                List.of(
                        "{\"id\":\"a\",\"text\":\"A wonderful, moving film with superb acting.\"}",
                        "{\"id\":\"b\",\"text\":\"A dull, tedious mess that wastes its cast.\"}"),
                StandardCharsets.UTF_8);
        Path output = dir.resolve("two-scored.jsonl");

        Run run = run(
                home,
                "score",
                "--model",
                "models/sst2-minilm-l6",
                "--input",
                input.toString(),
                "--output",
                output.toString());

        assertThat(run.exitCode).as(run.output).isZero();
        List<String> scored = Files.readAllLines(output, StandardCharsets.UTF_8);
        assertThat(scored).hasSize(2);
        assertThat(JSON.readTree(scored.get(0)).at("/sentiment/label").asText()).isEqualTo("POSITIVE");
        assertThat(JSON.readTree(scored.get(1)).at("/sentiment/label").asText()).isEqualTo("NEGATIVE");
        assertThat(JSON.readTree(scored.get(0)).at("/sentiment/model").asText()).startsWith("sst2-minilm-l6@sha256:");
    }
}
