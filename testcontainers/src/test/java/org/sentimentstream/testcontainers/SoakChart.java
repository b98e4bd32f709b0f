package org.sentimentstream.testcontainers;

import java.util.List;
import java.util.Locale;

/** A plain SVG of time series, one panel each, sharing the time axis in minutes: no charting library needed. */
final class SoakChart {

    private static final int WIDTH = 900;
    private static final int PANEL = 150;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int GAP = 40;

    /** One panel: a title (with its unit) and a y value per sample. */
    record Series(String title, double[] values) {}

    private SoakChart() {}

    static String svg(double[] minutes, List<Series> series) {
        int height = series.size() * (PANEL + GAP) + GAP;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                        + " font-family=\"sans-serif\" font-size=\"12\">%n",
                WIDTH,
                height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        double maxX = minutes.length == 0 ? 1 : Math.max(1e-9, minutes[minutes.length - 1]);
        int plotWidth = WIDTH - LEFT - RIGHT;
        for (int p = 0; p < series.size(); p++) {
            Series s = series.get(p);
            int top = GAP + p * (PANEL + GAP);
            double max = 0;
            for (double v : s.values) {
                max = Math.max(max, v);
            }
            max = max <= 0 ? 1 : max * 1.1;
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n",
                    LEFT,
                    top - 8,
                    escape(s.title)));
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\"" + " stroke=\"#999\"/>%n",
                    LEFT,
                    top,
                    plotWidth,
                    PANEL));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LEFT - 5,
                    top + 10,
                    format(max)));
            svg.append(String.format(
                    Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>%n", LEFT - 5, top + PANEL));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f min</text>%n",
                    LEFT + plotWidth,
                    top + PANEL + 14,
                    maxX));
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < s.values.length && i < minutes.length; i++) {
                double x = LEFT + plotWidth * minutes[i] / maxX;
                double y = top + PANEL - PANEL * Math.max(0, s.values[i]) / max;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\"" + " points=\"%s\"/>%n",
                    points.toString().trim()));
        }
        return svg.append("</svg>\n").toString();
    }

    private static String format(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
