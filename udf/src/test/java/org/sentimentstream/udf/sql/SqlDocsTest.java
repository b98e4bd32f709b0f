package org.sentimentstream.udf.sql;

import org.sentimentstream.udf.sql.internal.OutputColumns;
import org.sentimentstream.udf.sql.internal.SqlOptions;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/sql.md holds the options and OUTPUT columns tables the code generates. To refresh it after changing an
 * option: {@code ./mvnw -q -pl udf test -Dtest=SqlDocsTest -Dsentiment.updateDocs=true}.
 */
class SqlDocsTest {

    private static final Path DOC = Paths.get("..", "docs", "sql.md");

    @Test
    void docsHoldTheGeneratedOptionsTable() throws Exception {
        assertSection("sql-options", SqlOptions.markdownTable());
    }

    @Test
    void docsHoldTheGeneratedOutputColumnsTable() throws Exception {
        assertSection("sql-output-columns", OutputColumns.markdownTable());
    }

    private static void assertSection(String name, String generated) throws Exception {
        String start = "<!-- " + name + ":start (generated; see SqlDocsTest) -->\n";
        String end = "<!-- " + name + ":end -->";
        String text = Files.readString(DOC, StandardCharsets.UTF_8);
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        assertThat(from).as("docs/sql.md has the %s markers", name).isNotNegative();
        assertThat(to).isGreaterThan(from);
        String current = text.substring(from + start.length(), to);
        if (Boolean.getBoolean("sentiment.updateDocs") && !current.equals(generated)) {
            Files.writeString(
                    DOC,
                    text.substring(0, from + start.length()) + generated + text.substring(to),
                    StandardCharsets.UTF_8);
            current = generated;
        }
        assertThat(current)
                .as("docs/sql.md's %s; rerun with -Dsentiment.updateDocs=true", name)
                .isEqualTo(generated);
    }
}
