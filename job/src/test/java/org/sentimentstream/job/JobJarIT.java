package org.sentimentstream.job;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged job jar run as a program, the way a user who tries {@code java -jar} meets it. */
class JobJarIT {

    private static final Path JOB_JAR = Path.of(System.getProperty("sentiment.job.jar"));

    @Test
    void javaJarSaysInOneLineWhatTheJarIsForAndWhatToRunInstead() throws Exception {
        assertThat(JOB_JAR).isRegularFile();
        Process java = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        JOB_JAR.toString(),
                        "score",
                        "--help")
                .redirectErrorStream(true)
                .start();
        java.getOutputStream().close();
        assertThat(java.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(java.exitValue()).isEqualTo(2);
        assertThat(output.strip().lines()).as(output).hasSize(1);
        assertThat(output)
                .contains("flink run")
                .contains("bin/sentiment-stream")
                .doesNotContain("NoClassDefFoundError")
                .doesNotContain("Exception");
    }

    @Test
    void theJarIsTheFlinkJobAndLeavesFlinkToTheCluster() throws Exception {
        try (var jar = new java.util.jar.JarFile(JOB_JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("org.sentimentstream.job.cli.Main");
            assertThat(jar.getEntry("org/sentimentstream/job/pipeline/SentimentPipeline.class"))
                    .isNotNull();
            assertThat(jar.getEntry("org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class"))
                    .isNull();
            assertThat(jar.getEntry("org/sentimentstream/embedded/EmbeddedKafkaBroker.class"))
                    .isNull();
        }
        assertThat(Files.size(JOB_JAR)).isPositive();
    }
}
