package org.sentimentstream.job.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md holds the configuration reference the options classes generate. To refresh it after
 * changing an option: {@code ./mvnw -q -pl job test -Dtest=ConfigReferenceTest -Dsentiment.updateReadme=true}.
 */
class ConfigReferenceTest {

    @Test
    void docsHoldTheGeneratedReference() throws Exception {
        Path readme = Paths.get("..", "docs", "configuration.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int start = text.indexOf(ConfigReference.START);
        int end = text.indexOf(ConfigReference.END);
        assertThat(start)
                .as("docs/configuration.md has the config-reference markers")
                .isNotNegative();
        assertThat(end).isGreaterThan(start);
        String current = text.substring(start, end + ConfigReference.END.length());
        String generated = ConfigReference.markdown();
        if (Boolean.getBoolean("sentiment.updateReadme") && !current.equals(generated)) {
            Files.writeString(readme, text.replace(current, generated), StandardCharsets.UTF_8);
            current = generated;
        }
        assertThat(current)
                .as("docs/configuration.md's configuration reference; rerun with -Dsentiment.updateReadme=true")
                .isEqualTo(generated);
    }
}
