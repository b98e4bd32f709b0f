package org.sentimentstream.udf.sql.internal;

import org.sentimentstream.udf.SentimentResult;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.MapType;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The columns a model's {@code OUTPUT (...)} may ask for, by name (case-insensitive), and how each is filled from
 * a {@link SentimentResult}. The input must be one character-string column: the text.
 */
@Internal
public final class OutputColumns implements Serializable {

    private static final long serialVersionUID = 1L;

    /** One output column: its name, the SQL types it may have, and its value in Flink's internal data format. */
    public enum Column {
        LABEL("label", "STRING", "the winning label, e.g. POSITIVE"),
        SCORE("score", "DOUBLE", "probability of the label (softmax; sigmoid for a multi-label model)"),
        LABELS(
                "labels",
                "ARRAY<STRING>",
                "a multi-label model's labels above multi-label-threshold (none, one or several);"
                        + " a single-label model's label"),
        PROBABILITIES(
                "probabilities",
                "MAP<STRING, DOUBLE>",
                "probability per label (softmax; a sigmoid each for a multi-label model)"),
        LOGITS("logits", "ARRAY<FLOAT>", "the model's raw logits, in label order"),
        TOKENS("tokens", "INT", "the whole text's tokens, its special tokens (e.g. [CLS] and [SEP]) counted once"),
        WINDOWS("windows", "INT", "sequences the model scored for the text: 1, or its windows (long-text windows)"),
        TRUNCATED("truncated", "BOOLEAN", "whether some of the text's tokens were in no sequence the model read"),
        MODEL("model", "STRING", "model identity: name and short sha256 of model.onnx");

        public final String columnName;
        public final String sqlType;
        public final String description;

        Column(String columnName, String sqlType, String description) {
            this.columnName = columnName;
            this.sqlType = sqlType;
            this.description = description;
        }
    }

    /** How one declared column is converted: the column and whether it was declared FLOAT instead of DOUBLE. */
    private enum Conversion {
        LABEL(r -> StringData.fromString(r.label())),
        LABELS(r -> new GenericArrayData(
                r.predictedLabels().stream().map(StringData::fromString).toArray())),
        MODEL(r -> StringData.fromString(r.model())),
        SCORE_DOUBLE(SentimentResult::score),
        SCORE_FLOAT(r -> (float) r.score()),
        PROBABILITIES_DOUBLE(r -> probabilities(r, false)),
        PROBABILITIES_FLOAT(r -> probabilities(r, true)),
        LOGITS_FLOAT(r -> new GenericArrayData(r.logits())),
        LOGITS_DOUBLE(r -> {
            float[] logits = r.logits();
            double[] d = new double[logits.length];
            for (int i = 0; i < logits.length; i++) {
                d[i] = logits[i];
            }
            return new GenericArrayData(d);
        }),
        TOKENS_INT(SentimentResult::tokens),
        TOKENS_BIGINT(r -> (long) r.tokens()),
        WINDOWS_INT(SentimentResult::windows),
        WINDOWS_BIGINT(r -> (long) r.windows()),
        TRUNCATED(SentimentResult::truncated);

        final Function<SentimentResult, Object> value;

        Conversion(Function<SentimentResult, Object> value) {
            this.value = value;
        }
    }

    private final Conversion[] conversions;

    private OutputColumns(Conversion[] conversions) {
        this.conversions = conversions;
    }

    /**
     * Checks the model's schemas: one character-string input column; output columns named as in {@link Column}
     * with a matching, nullable type.
     *
     * @throws ValidationException naming the offending column and what would work
     */
    public static OutputColumns of(String model, ResolvedSchema input, ResolvedSchema output) {
        List<DataType> inputTypes = input.getColumnDataTypes();
        if (inputTypes.size() != 1 || !inputTypes.get(0).getLogicalType().is(LogicalTypeFamily.CHARACTER_STRING)) {
            throw new ValidationException(String.format(
                    "Model %s: the 'onnx' provider takes one text column, but INPUT is %s. Fix: declare"
                            + " INPUT (text STRING).",
                    model, input.getColumns()));
        }
        List<String> names = output.getColumnNames();
        List<DataType> types = output.getColumnDataTypes();
        if (names.isEmpty()) {
            throw new ValidationException("Model " + model + ": OUTPUT declares no column. Fix: " + supported());
        }
        Conversion[] conversions = new Conversion[names.size()];
        for (int i = 0; i < names.size(); i++) {
            conversions[i] = conversion(model, names.get(i), types.get(i).getLogicalType());
        }
        return new OutputColumns(conversions);
    }

    private static Conversion conversion(String model, String name, LogicalType type) {
        Column column = Arrays.stream(Column.values())
                .filter(c -> c.columnName.equalsIgnoreCase(name))
                .findFirst()
                .orElseThrow(() -> new ValidationException(
                        String.format("Model %s: unknown OUTPUT column '%s'. Fix: %s", model, name, supported())));
        if (!type.isNullable()) {
            throw new ValidationException(String.format(
                    "Model %s: OUTPUT column '%s' is %s, but a NULL or blank"
                            + " text gives NULL in every output column. Fix: drop NOT NULL.",
                    model, name, type));
        }
        Conversion conversion = null;
        switch (column) {
            case LABEL:
                conversion = type.is(LogicalTypeFamily.CHARACTER_STRING) ? Conversion.LABEL : null;
                break;
            case MODEL:
                conversion = type.is(LogicalTypeFamily.CHARACTER_STRING) ? Conversion.MODEL : null;
                break;
            case LABELS:
                conversion = type.is(LogicalTypeRoot.ARRAY)
                                && ((ArrayType) type).getElementType().is(LogicalTypeFamily.CHARACTER_STRING)
                        ? Conversion.LABELS
                        : null;
                break;
            case SCORE:
                conversion = type.is(LogicalTypeRoot.DOUBLE)
                        ? Conversion.SCORE_DOUBLE
                        : type.is(LogicalTypeRoot.FLOAT) ? Conversion.SCORE_FLOAT : null;
                break;
            case PROBABILITIES:
                if (type.is(LogicalTypeRoot.MAP)
                        && ((MapType) type).getKeyType().is(LogicalTypeFamily.CHARACTER_STRING)) {
                    LogicalType value = ((MapType) type).getValueType();
                    conversion = value.is(LogicalTypeRoot.DOUBLE)
                            ? Conversion.PROBABILITIES_DOUBLE
                            : value.is(LogicalTypeRoot.FLOAT) ? Conversion.PROBABILITIES_FLOAT : null;
                }
                break;
            case LOGITS:
                if (type.is(LogicalTypeRoot.ARRAY)) {
                    LogicalType element = ((ArrayType) type).getElementType();
                    conversion = element.is(LogicalTypeRoot.FLOAT)
                            ? Conversion.LOGITS_FLOAT
                            : element.is(LogicalTypeRoot.DOUBLE) ? Conversion.LOGITS_DOUBLE : null;
                }
                break;
            case TOKENS:
                conversion = type.is(LogicalTypeRoot.INTEGER)
                        ? Conversion.TOKENS_INT
                        : type.is(LogicalTypeRoot.BIGINT) ? Conversion.TOKENS_BIGINT : null;
                break;
            case WINDOWS:
                conversion = type.is(LogicalTypeRoot.INTEGER)
                        ? Conversion.WINDOWS_INT
                        : type.is(LogicalTypeRoot.BIGINT) ? Conversion.WINDOWS_BIGINT : null;
                break;
            case TRUNCATED:
                conversion = type.is(LogicalTypeRoot.BOOLEAN) ? Conversion.TRUNCATED : null;
                break;
            default:
                break;
        }
        if (conversion == null) {
            throw new ValidationException(String.format(
                    "Model %s: OUTPUT column '%s' has type %s. Fix: declare it" + " as %s %s.",
                    model, name, type, column.columnName, column.sqlType));
        }
        return conversion;
    }

    private static String supported() {
        return "the OUTPUT columns are any of "
                + Arrays.stream(Column.values())
                        .map(c -> c.columnName + " " + c.sqlType)
                        .collect(Collectors.joining(", "))
                + " (e.g. OUTPUT (label STRING, score DOUBLE)).";
    }

    private static GenericMapData probabilities(SentimentResult result, boolean asFloat) {
        Map<Object, Object> map = new LinkedHashMap<>();
        result.probabilities()
                .forEach((label, p) ->
                        map.put(StringData.fromString(label), asFloat ? (Object) p.floatValue() : (Object) p));
        return new GenericMapData(map);
    }

    /** The OUTPUT columns table of docs/sql.md (SqlDocsTest keeps it in sync). */
    public static String markdownTable() {
        StringBuilder md = new StringBuilder();
        md.append("| OUTPUT column | Type | Value |\n");
        md.append("|---|---|---|\n");
        for (Column c : Column.values()) {
            md.append("| `")
                    .append(c.columnName)
                    .append("` | `")
                    .append(c.sqlType)
                    .append("`")
                    .append(
                            c == Column.SCORE
                                    ? " (or `FLOAT`)"
                                    : c == Column.PROBABILITIES
                                            ? " (or `FLOAT` values)"
                                            : c == Column.LOGITS
                                                    ? " (or `ARRAY<DOUBLE>`)"
                                                    : c == Column.TOKENS || c == Column.WINDOWS ? " (or `BIGINT`)" : "")
                    .append(" | ")
                    .append(c.description)
                    .append(" |\n");
        }
        return md.toString();
    }

    /** The output row of a scored text, in the declared column order. */
    public RowData row(SentimentResult result) {
        GenericRowData row = new GenericRowData(conversions.length);
        for (int i = 0; i < conversions.length; i++) {
            row.setField(i, conversions[i].value.apply(result));
        }
        return row;
    }

    /** The output row of a NULL or blank text: NULL in every column. */
    public RowData nullRow() {
        return new GenericRowData(conversions.length);
    }

    /** Number of output columns. */
    public int arity() {
        return conversions.length;
    }

    @Override
    public String toString() {
        return Arrays.toString(conversions).toLowerCase(Locale.ROOT);
    }
}
