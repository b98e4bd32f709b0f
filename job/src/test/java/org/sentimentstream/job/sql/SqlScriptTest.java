package org.sentimentstream.job.sql;

import org.sentimentstream.udf.InvalidInputException;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlScriptTest {

    private static List<String> sql(SqlScript script) {
        return script.statements().stream().map(s -> s.sql()).collect(Collectors.toList());
    }

    @Test
    void splitsOnSemicolonsOutsideQuotesAndComments() {
        SqlScript script = SqlScript.parse(
                "t.sql",
                String.join(
                        "\n",
                        "-- a comment; with a semicolon",
                        "SET 'a.b' = 'x;y';",
                        "/* block; comment */ CREATE TABLE t (`we;ird` STRING) WITH ('k' = 'it''s; fine');",
                        "",
                        "INSERT INTO t SELECT \"a;b\" FROM s",
                        ";  -- trailing"),
                Map.of());
        assertThat(sql(script))
                .containsExactly(
                        "SET 'a.b' = 'x;y'",
                        "CREATE TABLE t (`we;ird` STRING) WITH ('k' = 'it''s; fine')",
                        "INSERT INTO t SELECT \"a;b\" FROM s");
        assertThat(script.statements().get(0).line()).isEqualTo(2);
        assertThat(script.statements().get(1).line()).isEqualTo(3);
        assertThat(script.statements().get(2).line()).isEqualTo(5);
    }

    @Test
    void aStatementSetIsOneStatement() {
        SqlScript script = SqlScript.parse(
                "t.sql",
                "EXECUTE STATEMENT SET BEGIN\n INSERT INTO a SELECT 1;\n"
                        + " INSERT INTO b SELECT 2;\nEND;\nSET 'x' = 'y';",
                Map.of());
        assertThat(script.statements()).hasSize(2);
        assertThat(script.statements().get(0).sql())
                .startsWith("EXECUTE STATEMENT SET BEGIN")
                .endsWith("END");
    }

    @Test
    void replacesVariablesWithValuesOrDefaultsAndDoublesQuotes() {
        SqlScript script = SqlScript.parse(
                "t.sql",
                "CREATE TABLE t WITH ('a' = '${a}', 'b' = '${b:-hf:x/y@main}', 'c' = '${c}');",
                Map.of("a", "1", "c", "it's"));
        assertThat(sql(script)).containsExactly("CREATE TABLE t WITH ('a' = '1', 'b' = 'hf:x/y@main', 'c' = 'it''s')");
    }

    @Test
    void aVariableWithoutValueNamesItselfTheLineAndTheFix() {
        assertThatThrownBy(() ->
                        SqlScript.parse("p.sql", "SET 'x' = 'y';\n\nCREATE TABLE t WITH ('t' = '${topic}');", Map.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("p.sql, line 3: no value for ${topic}. Fix: pass -Dtopic=<value> (or give a default:"
                        + " ${topic:-<default>}).");
    }

    @Test
    void theBundledExampleParses() throws Exception {
        SqlScript script = SqlScript.parse(
                "example",
                org.sentimentstream.job.cli.SqlCommand.read("classpath:sql/reviews-pipeline.sql"),
                Map.of("bootstrap.servers", "k:9092", "input.topic", "in", "output.topic", "out"));
        assertThat(script.statements())
                .extracting(s -> s.sql().split("\\s+")[0])
                .containsExactly("SET", "SET", "SET", "CREATE", "CREATE", "CREATE", "INSERT");
        assertThat(sql(script).get(4))
                .contains("'provider' = 'onnx'")
                .contains("'model' = 'hf:optimum/distilbert-base-uncased-finetuned-sst-2-english'");
    }
}
