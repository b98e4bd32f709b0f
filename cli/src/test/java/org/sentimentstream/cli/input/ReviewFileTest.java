package org.sentimentstream.cli.input;

import org.sentimentstream.udf.InvalidSettingException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one reader of review files: the three formats, the record values for Kafka, and a user's mistakes. */
class ReviewFileTest {

    @TempDir
    Path dir;

    @Test
    void jsonLinesKeepTheirBytesTheirIdAndABadLineAsItIs() throws Exception {
        Path file = write("r.jsonl", "{\"id\": 7, \"text\": \"good\"}", "", "{not json", "{\"sentence\": \"fine\"}");
        List<ReviewFile.Row> rows = ReviewFile.readAll(file, "reviews", null, null);

        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).key()).isEqualTo("7");
        assertThat(rows.get(0).text()).isEqualTo("good");
        assertThat(new String(rows.get(0).value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\": 7, \"text\": \"good\"}");
        assertThat(rows.get(1).number()).isEqualTo(3);
        assertThat(rows.get(1).error()).startsWith("line 3: invalid JSON");
        assertThat(new String(rows.get(1).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(rows.get(2).key()).isNull();
        assertThat(rows.get(2).text()).isEqualTo("fine");
    }

    @Test
    void tsvRowsBecomeObjectsWithTheTextAsText() throws Exception {
        Path file = write("r.tsv", "sentence\tlabel", "it's \"great\"\t1", "\t0");
        List<ReviewFile.Row> rows = ReviewFile.readAll(file, "reviews", null, null);

        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).key()).isEqualTo("row-1");
        assertThat(rows.get(0).text()).isEqualTo("it's \"great\"");
        assertThat(rows.get(0).fields().get("label").asText()).isEqualTo("1");
        assertThat(new String(rows.get(0).value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"sentence\":\"it's \\\"great\\\"\",\"label\":\"1\",\"text\":\"it's \\\"great\\\"\"}");
        assertThat(rows.get(1).text()).isNull();
        assertThat(rows.get(1).error()).contains("sentence");
    }

    @Test
    void plainTextIsOneReviewPerNonBlankLine() throws Exception {
        Path file = write("r.txt", "first review", "   ", "{\"text\": \"a review about JSON\"}");
        List<ReviewFile.Row> rows = ReviewFile.readAll(file, "reviews", null, null);

        assertThat(rows).extracting(ReviewFile.Row::key).containsExactly("line-1", "line-2");
        assertThat(rows)
                .extracting(ReviewFile.Row::text)
                .containsExactly("first review", "{\"text\": \"a review about JSON\"}");
    }

    @Test
    void theFormatFollowsTheExtensionUnlessGiven() {
        assertThat(ReviewFile.Format.of(Path.of("a.tsv"))).isEqualTo(ReviewFile.Format.TSV);
        assertThat(ReviewFile.Format.of(Path.of("a.TXT"))).isEqualTo(ReviewFile.Format.TEXT);
        assertThat(ReviewFile.Format.of(Path.of("a.jsonl"))).isEqualTo(ReviewFile.Format.JSONL);
        assertThat(ReviewFile.Format.of(Path.of("a.data"))).isEqualTo(ReviewFile.Format.JSONL);
        assertThat(ReviewFile.Format.parse("Text", Path.of("a.tsv"))).isEqualTo(ReviewFile.Format.TEXT);
        assertThatThrownBy(() -> ReviewFile.Format.parse("csv", Path.of("a.csv")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("Invalid setting 'format': cannot read 'csv'. Fix: use jsonl, tsv or text.");
    }

    @Test
    void aUsersMistakeNamesTheOptionAndTheFix() throws Exception {
        assertThatThrownBy(() -> ReviewFile.open(dir.resolve("nope.jsonl"), "input", null, null))
                .isInstanceOf(InvalidSettingException.class)
                .satisfies(e -> assertThat(((InvalidSettingException) e).key()).isEqualTo("input"))
                .hasMessageContaining("no such file: " + dir.resolve("nope.jsonl"))
                .hasMessageContaining("Fix: check the path");
        assertThatThrownBy(() -> ReviewFile.open(dir, "input", null, null))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("is a directory");
        Path empty = write("e.tsv");
        assertThatThrownBy(() -> ReviewFile.open(empty, "input", null, null))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("is empty")
                .hasMessageContaining("header row");
        Path noText = write("n.tsv", "review\tlabel", "good\t1");
        assertThatThrownBy(() -> ReviewFile.open(noText, "input", null, null))
                .isInstanceOf(InvalidSettingException.class)
                .satisfies(e -> assertThat(((InvalidSettingException) e).key()).isEqualTo("text-field"))
                .hasMessageContaining("no column 'sentence'")
                .hasMessageContaining("--text-field");
        assertThat(ReviewFile.readAll(noText, "input", null, "review"))
                .singleElement()
                .satisfies(r -> assertThat(r.text()).isEqualTo("good"));
    }

    private Path write(String name, String... lines) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return file;
    }
}
