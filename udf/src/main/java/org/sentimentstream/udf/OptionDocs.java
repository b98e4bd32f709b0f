package org.sentimentstream.udf;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.BlockElement;
import org.apache.flink.configuration.description.TextElement;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** Options as people read them: in {@code --help}, in the generated tables of docs/ and in error messages. */
@PublicEvolving
public final class OptionDocs {

    /** A column of an options table: its header and what it shows for an option. */
    public record Column(String header, Function<ConfigOption<?>, String> cell) {}

    public static final Column DEFAULT =
            new Column("Default", o -> o.hasDefaultValue() ? "`" + describe(o.defaultValue()) + "`" : "—");

    public static final Column DESCRIPTION = new Column("Description", o -> text(o).replace("|", "\\|"));

    private OptionDocs() {}

    /** A column naming each option as {@code surface} does, in backquotes and optionally in single quotes. */
    public static Column nameColumn(String header, SettingSurface surface, boolean quoted) {
        return new Column(header, o -> "`" + (quoted ? "'" + surface.nameOf(o) + "'" : surface.nameOf(o)) + "`");
    }

    /** A Markdown table with a row per option. */
    public static String markdownTable(List<ConfigOption<?>> options, List<Column> columns) {
        StringBuilder md = new StringBuilder();
        md.append('|');
        columns.forEach(c -> md.append(' ').append(c.header()).append(" |"));
        md.append("\n|").append("---|".repeat(columns.size())).append('\n');
        for (ConfigOption<?> option : options) {
            md.append('|');
            columns.forEach(c -> md.append(' ').append(c.cell().apply(option)).append(" |"));
            md.append('\n');
        }
        return md.toString();
    }

    /** An option's description as one line of plain text. */
    public static String text(ConfigOption<?> option) {
        StringBuilder text = new StringBuilder();
        for (BlockElement block : option.description().getBlocks()) {
            if (block instanceof TextElement element) {
                text.append(element.getFormat());
            }
        }
        return text.toString().replaceAll("\\s+", " ").trim();
    }

    /** A default as people write it: {@code 5 ms}, {@code 60 s}, {@code 128}. */
    public static String describe(Object value) {
        if (value instanceof Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
        }
        return String.valueOf(value);
    }
}
