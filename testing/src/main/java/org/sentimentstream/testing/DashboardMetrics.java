package org.sentimentstream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL queries of a Grafana dashboard JSON and the metric and label names they use, to check them against a
 * real scrape ({@link PrometheusScrape}): {@link #problems(PrometheusScrape)} lists every name a query uses that the
 * scrape does not have.
 */
public final class DashboardMetrics {

    /** A query and where it is. */
    public record Query(String panel, String expr) {}

    /** Our metrics all come from Flink's Prometheus reporter, whose names start with flink_. */
    private static final Pattern METRIC = Pattern.compile("\\b(flink_[A-Za-z0-9_:]+)");
    /** {@code metric{label="x", other=~"y"}}: the selector's label names. */
    private static final Pattern SELECTOR = Pattern.compile("\\b(flink_[A-Za-z0-9_:]+)\\s*\\{([^}]*)}");

    private static final Pattern MATCHER =
            Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** {@code by (a, b)} / {@code without (a)}: grouping labels, which the query's metrics must carry. */
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");
    /** Dashboard variables, e.g. $job_name or ${job_name}, stand for any value. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?[A-Za-z_][A-Za-z0-9_]*}?");

    private final JsonNode dashboard;
    private final List<Query> queries;

    private DashboardMetrics(JsonNode dashboard) {
        this.dashboard = dashboard;
        this.queries = new ArrayList<>();
        collect(dashboard.path("panels"));
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            JsonNode query = variable.path("query");
            String expr = query.isObject() ? query.path("query").asText("") : query.asText("");
            if ("query".equals(variable.path("type").asText()) && !expr.isBlank()) {
                queries.add(new Query("variable " + variable.path("name").asText(), expr));
            }
        }
    }

    public static DashboardMetrics read(Path dashboardJson) throws IOException {
        return new DashboardMetrics(new ObjectMapper().readTree(dashboardJson.toFile()));
    }

    private void collect(JsonNode panels) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText("");
                if (!expr.isBlank()) {
                    queries.add(new Query(panel.path("title").asText(), expr));
                }
            }
            collect(panel.path("panels")); // collapsed rows hold their panels
        }
    }

    public JsonNode json() {
        return dashboard;
    }

    public List<Query> queries() {
        return queries;
    }

    /** Every panel title with a query. */
    public Set<String> panelTitles() {
        Set<String> titles = new LinkedHashSet<>();
        queries.forEach(q -> titles.add(q.panel()));
        return titles;
    }

    /** Every metric name a query uses. */
    public Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        queries.forEach(q -> names.addAll(metricNames(q.expr())));
        return names;
    }

    /**
     * Metric names a query uses. {@code label_values(metric, label)} of a variable counts too. Histogram
     * suffixes are part of the name as Flink exports it (a Flink histogram is a Prometheus summary: the name with
     * a quantile label, name_count, name_sum).
     */
    public static Set<String> metricNames(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * What in the queries the scrape does not have: metric names, selector labels and grouping labels. Empty when
     * the dashboard only asks for what the job really exports.
     */
    public List<String> problems(PrometheusScrape scrape) {
        Set<String> exported = scrape.names();
        List<String> problems = new ArrayList<>();
        for (Query q : queries) {
            String expr = VARIABLE.matcher(q.expr()).replaceAll(".*");
            Set<String> names = metricNames(expr);
            if (names.isEmpty()) {
                problems.add(q.panel() + ": query uses no flink_ metric: " + q.expr());
            }
            Map<String, Set<String>> labelsOf = new LinkedHashMap<>();
            for (String name : names) {
                if (!exported.contains(name)) {
                    problems.add(q.panel() + ": metric " + name + " is not exported");
                } else {
                    labelsOf.put(name, scrape.labelNames(name));
                }
            }
            Matcher s = SELECTOR.matcher(expr);
            while (s.find()) {
                String metric = s.group(1);
                Set<String> labels = labelsOf.get(metric);
                Matcher l = MATCHER.matcher(s.group(2));
                while (labels != null && l.find()) {
                    String label = l.group(1);
                    if (!labels.contains(label)) {
                        problems.add(q.panel() + ": " + metric + " has no label " + label + " (it has " + labels + ")");
                        continue;
                    }
                    // a positive matcher must select something: some sample carries a matching value
                    if (l.group(2).equals("=") || l.group(2).equals("=~")) {
                        Pattern value = l.group(2).equals("=")
                                ? Pattern.compile(Pattern.quote(l.group(3)))
                                : Pattern.compile(l.group(3).replace("\\\\", "\\"));
                        boolean selects = scrape.samples(metric).stream()
                                .anyMatch(x -> value.matcher(x.labels().getOrDefault(label, ""))
                                        .matches());
                        if (!selects) {
                            problems.add(q.panel() + ": " + metric + "{" + label + l.group(2) + "\"" + l.group(3)
                                    + "\"} selects no sample; values: "
                                    + scrape.samples(metric).stream()
                                            .map(x -> x.labels().get(label))
                                            .distinct()
                                            .toList());
                        }
                    }
                }
            }
            Matcher g = GROUPING.matcher(expr);
            while (g.find()) {
                for (String label : g.group(1).split(",")) {
                    String name = label.strip();
                    if (name.isEmpty()) {
                        continue;
                    }
                    boolean carried = labelsOf.values().stream().anyMatch(ls -> ls.contains(name));
                    if (!carried) {
                        problems.add(q.panel() + ": no metric of the query carries label " + name);
                    }
                }
            }
        }
        return problems;
    }
}
