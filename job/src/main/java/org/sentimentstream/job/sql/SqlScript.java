package org.sentimentstream.job.sql;

import org.sentimentstream.udf.InvalidInputException;

import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Flink SQL script as the SQL client would run it, for the job jar's {@code sql} command: statements split on
 * {@code ;} (outside quotes and comments), {@code ${name}} and {@code ${name:-default}} replaced by variables,
 * {@code SET 'key' = 'value'} and {@code RESET 'key'} applied to the table configuration (TableEnvironment has no
 * SET), every {@code INSERT} gathered into one statement set, so that the script is one job, and the other
 * statements (CREATE TABLE / MODEL / FUNCTION / VIEW, USE, ...) executed in order.
 */
public final class SqlScript {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-]+)(?::-([^}]*))?}");
    private static final Pattern SET =
            Pattern.compile("(?is)SET\\s+(?:'([^']*)'|([^\\s=']+))\\s*=\\s*(?:'((?:[^']|'')*)'|(\\S.*?))\\s*");
    private static final Pattern RESET = Pattern.compile("(?is)RESET\\s+(?:'([^']*)'|([^\\s']+))\\s*");

    /** One statement, without comments or the closing semicolon, and the script line it starts on. */
    public record Statement(String sql, int line) {

        String keyword() {
            String[] words = sql.trim().split("\\s+", 4);
            String first = words[0].toUpperCase(Locale.ROOT);
            if (first.equals("EXECUTE") && words.length > 1 && words[1].equalsIgnoreCase("STATEMENT")) {
                return "EXECUTE STATEMENT SET";
            }
            return first;
        }

        @Override
        public String toString() {
            return "line " + line + ": " + sql;
        }
    }

    private final String name;
    private final List<Statement> statements;

    private SqlScript(String name, List<Statement> statements) {
        this.name = name;
        this.statements = statements;
    }

    /**
     * Splits a script and replaces its variables. Each value is put in as it is, with {@code '} doubled, as a
     * variable usually stands inside a string literal.
     *
     * @throws InvalidInputException for a variable without a value or default, naming it and the line
     */
    public static SqlScript parse(String name, String script, Map<String, String> variables) {
        List<Statement> statements = new ArrayList<>();
        for (Statement raw : split(script)) {
            statements.add(new Statement(substitute(name, raw, variables), raw.line));
        }
        return new SqlScript(name, Collections.unmodifiableList(statements));
    }

    public List<Statement> statements() {
        return statements;
    }

    private static String substitute(String name, Statement statement, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(statement.sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = variables.get(m.group(1));
            if (value == null) {
                value = m.group(2);
            }
            if (value == null) {
                throw new InvalidInputException(
                        String.format("%s, line %d: no value for ${%s}", name, statement.line, m.group(1)),
                        String.format(
                                "pass -D%s=<value> (or give a default: ${%s:-<default>})", m.group(1), m.group(1)));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value.replace("'", "''")));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Splits on semicolons outside '...', "...", `...`, -- and /* comments; a statement set ends at END;. */
    static List<Statement> split(String script) {
        List<Statement> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int line = 1;
        int startLine = -1;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            char next = i + 1 < n ? script.charAt(i + 1) : 0;
            if (c == '-' && next == '-') {
                while (i < n && script.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '/' && next == '*') {
                int end = script.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (int k = i; k < end; k++) {
                    if (script.charAt(k) == '\n') {
                        line++;
                        current.append('\n');
                    }
                }
                current.append(' ');
                i = end;
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') {
                if (startLine < 0) {
                    startLine = line;
                }
                int k = i + 1;
                while (k < n) {
                    if (script.charAt(k) == c) {
                        if (k + 1 < n && script.charAt(k + 1) == c) {
                            k += 2; // doubled quote
                            continue;
                        }
                        break;
                    }
                    k++;
                }
                int end = Math.min(k + 1, n);
                String quoted = script.substring(i, end);
                line += quoted.chars().filter(ch -> ch == '\n').count();
                current.append(quoted);
                i = end;
                continue;
            }
            if (c == ';' && !insideStatementSet(current)) {
                add(statements, current, startLine);
                current.setLength(0);
                startLine = -1;
                i++;
                continue;
            }
            if (c == '\n') {
                line++;
            } else if (!Character.isWhitespace(c) && startLine < 0) {
                startLine = line;
            }
            current.append(c);
            i++;
        }
        add(statements, current, startLine);
        return statements;
    }

    private static boolean insideStatementSet(StringBuilder current) {
        String s = current.toString().trim().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        return (s.startsWith("EXECUTE STATEMENT SET") || s.startsWith("BEGIN STATEMENT SET")) && !s.endsWith(" END");
    }

    private static void add(List<Statement> statements, StringBuilder current, int startLine) {
        String sql = current.toString().trim();
        if (!sql.isEmpty()) {
            statements.add(new Statement(sql, startLine));
        }
    }

    /**
     * Runs the script: SET/RESET and DDL at once, in order; all INSERTs together as one job at the end.
     *
     * @return the result of the submitted job, empty if the script inserts nothing
     */
    public Optional<TableResult> execute(TableEnvironment tEnv, PrintWriter log) {
        StatementSet inserts = tEnv.createStatementSet();
        int insertCount = 0;
        TableResult last = null;
        for (Statement statement : statements) {
            String keyword = statement.keyword();
            try {
                if (applyConfig(tEnv, statement, log)) {
                    continue;
                }
                switch (keyword) {
                    case "INSERT":
                        inserts.addInsertSql(statement.sql);
                        insertCount++;
                        break;
                    case "EXECUTE STATEMENT SET":
                    case "BEGIN":
                        last = tEnv.executeSql(statement.sql);
                        break;
                    case "SELECT":
                    case "WITH":
                    case "VALUES":
                        throw new InvalidInputException(
                                String.format(
                                        "%s, line %d: a query without INSERT INTO has nowhere to go in a pipeline",
                                        name, statement.line),
                                "INSERT INTO a table (e.g. a 'print' or 'kafka' table), or run it in the SQL client");
                    default:
                        TableResult result = tEnv.executeSql(statement.sql);
                        if (keyword.equals("EXPLAIN")
                                || keyword.equals("SHOW")
                                || keyword.equals("DESCRIBE")
                                || keyword.equals("DESC")) {
                            result.collect().forEachRemaining(row -> log.println(row));
                        }
                        break;
                }
            } catch (InvalidInputException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new SqlScriptException(name, statement, e);
            }
        }
        if (insertCount == 0) {
            return Optional.ofNullable(last);
        }
        try {
            return Optional.of(inserts.execute());
        } catch (RuntimeException e) {
            throw new SqlScriptException(name, null, e);
        }
    }

    /** The optimized plan of the script's INSERTs, after running its SET and DDL statements; nothing is submitted. */
    public String explain(TableEnvironment tEnv, PrintWriter log) {
        StatementSet inserts = tEnv.createStatementSet();
        for (Statement statement : statements) {
            try {
                if (applyConfig(tEnv, statement, log)) {
                    continue;
                }
                if (statement.keyword().equals("INSERT")) {
                    inserts.addInsertSql(statement.sql);
                } else if (!statement.keyword().equals("EXECUTE STATEMENT SET")) {
                    tEnv.executeSql(statement.sql);
                }
            } catch (InvalidInputException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new SqlScriptException(name, statement, e);
            }
        }
        return inserts.explain();
    }

    private static boolean applyConfig(TableEnvironment tEnv, Statement statement, PrintWriter log) {
        Matcher set = SET.matcher(statement.sql);
        if (set.matches()) {
            String key = set.group(1) != null ? set.group(1) : set.group(2);
            String value = set.group(3) != null ? set.group(3).replace("''", "'") : set.group(4);
            tEnv.getConfig().set(key, value);
            log.println("SET " + key + " = " + value);
            return true;
        }
        Matcher reset = RESET.matcher(statement.sql);
        if (reset.matches()) {
            String key = reset.group(1) != null ? reset.group(1) : reset.group(2);
            tEnv.getConfig().getConfiguration().removeKey(key);
            log.println("RESET " + key);
            return true;
        }
        return false;
    }

    /** A statement of the script failed; the message names the script, the line and Flink's reason. */
    public static final class SqlScriptException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SqlScriptException(String script, Statement statement, RuntimeException cause) {
            super(
                    (statement == null ? script + ", INSERT statements" : script + ", line " + statement.line) + ": "
                            + rootMessage(cause),
                    cause);
        }

        private static String rootMessage(Throwable t) {
            StringBuilder message = new StringBuilder(String.valueOf(t.getMessage()));
            for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                if (c.getMessage() != null && !message.toString().contains(c.getMessage())) {
                    message.append("\n  caused by: ").append(c.getMessage());
                }
            }
            return message.toString();
        }
    }
}
