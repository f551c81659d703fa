package org.ezshop.load.gen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;

/** A load run written three ways: load.json, load.txt and load.html (latency by percentile, throughput by second). */
public final class LoadReport {

  private static final String[] COLOURS = {"#1f5fa8", "#b35900"};
  private static final double[] PERCENTILES = {0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100};

  private LoadReport() {
  }

  /**
   * @param tally the probe's picks during the first phase, each waited for
   * @return the text summary
   */
  public static String write(Path dir, List<LoadGenerator.Phase> phases, PickProbe.Tally tally) throws IOException {
    Histogram picks = tally.latencies();
    Files.createDirectories(dir);
    StringBuilder text = new StringBuilder();
    phases.forEach(p -> text.append(p).append('\n'));
    text.append(String.format("picks during the %s phase: %d made, %d in the cart, %d to review, %d neither; shelf "
            + "change -> cart update at WatchCart: p50 %d ms, p99 %d ms, max %d ms%n", phases.get(0).name(),
        tally.made(), tally.inCart(), tally.toReview(), tally.undecided(), picks.getValueAtPercentile(50),
        picks.getValueAtPercentile(99), picks.getMaxValue()));
    if (phases.size() == 2) {
      text.append(String.format("ratio %s / %s: achieved rate %.2f, p99 %.2f%n", phases.get(0).name(),
          phases.get(1).name(), phases.get(0).achievedPerSecond() / phases.get(1).achievedPerSecond(),
          phases.get(0).millisAt(99) / Math.max(0.001, phases.get(1).millisAt(99))));
    }
    JsonArray json = new JsonArray();
    phases.forEach(p -> json.add(json(p)));
    Files.writeString(dir.resolve("load.json"), new JsonObject().put("phases", json).put("picks", new JsonObject()
        .put("made", tally.made()).put("in_cart", tally.inCart()).put("to_review", tally.toReview())
        .put("neither", tally.undecided()).put("p50_ms", picks.getValueAtPercentile(50))
        .put("p99_ms", picks.getValueAtPercentile(99)).put("max_ms", picks.getMaxValue())).encodePrettily());
    Files.writeString(dir.resolve("load.txt"), text);
    Files.writeString(dir.resolve("load.html"), html(phases, text.toString()));
    return text.toString();
  }

  private static JsonObject json(LoadGenerator.Phase p) {
    JsonObject latency = new JsonObject();
    for (double q : new double[] {50, 90, 99, 99.9}) {
      String key = q == Math.floor(q) ? String.valueOf((int) q) : String.valueOf(q).replace('.', '_');
      latency.put("p" + key, p.millisAt(q));
    }
    latency.put("max", p.latencies().getMaxValue() / 1000.0);
    JsonArray seconds = new JsonArray();
    for (int s = 0; s < p.seconds(); s++) {
      seconds.add(new JsonObject().put("second", s).put("sent", p.sentPerSecond()[s]).put("acked", p.ackedPerSecond()[s]));
    }
    return new JsonObject().put("name", p.name()).put("devices", p.devices()).put("rate_hz", p.hz())
        .put("batch", p.batch()).put("seconds", p.seconds()).put("target_readings_per_s", p.targetPerSecond())
        .put("achieved_readings_per_s", p.achievedPerSecond()).put("readings_sent", p.sent())
        .put("readings_acked", p.acked()).put("latency_ms", latency).put("per_second", seconds);
  }

  private static String html(List<LoadGenerator.Phase> phases, String summary) {
    StringBuilder latency = new StringBuilder();
    StringBuilder throughput = new StringBuilder();
    double maxMs = phases.stream().mapToDouble(p -> p.latencies().getMaxValue() / 1000.0).max().orElse(1);
    double maxRate = phases.stream().mapToDouble(p -> java.util.Arrays.stream(p.ackedPerSecond()).max().orElse(1))
        .max().orElse(1);
    for (int i = 0; i < phases.size(); i++) {
      LoadGenerator.Phase p = phases.get(i);
      StringBuilder points = new StringBuilder();
      for (double q : PERCENTILES) { // x: log of 1/(1-q), the usual percentile axis
        double x = 40 + 520 * Math.log10(1 / Math.max(1e-4, 1 - q / 100)) / 4;
        double y = 260 - 240 * Math.log10(1 + p.millisAt(q)) / Math.log10(1 + maxMs);
        points.append(String.format("%.1f,%.1f ", x, y));
      }
      latency.append(line(points, COLOURS[i % 2], p.name()));
      points = new StringBuilder();
      for (int s = 0; s < p.seconds(); s++) {
        points.append(String.format("%.1f,%.1f ", 40 + 520.0 * s / Math.max(1, p.seconds() - 1),
            260 - 240 * p.ackedPerSecond()[s] / maxRate));
      }
      throughput.append(line(points, COLOURS[i % 2], p.name()));
    }
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>EZShop load report</title>"
        + "<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#111}svg{background:#fafafa;"
        + "border:1px solid #ccc}</style></head><body><h1>EZShop load report</h1><pre>" + escape(summary) + "</pre>"
        + "<h2>Reading → ack latency by percentile</h2>" + chart(latency, "percentile: 0, 90, 99, 99.9, 99.99 (log)",
        String.format("ms, log scale, top %.1f", maxMs), new String[] {"0", "90", "99", "99.9", "99.99"})
        + "<h2>Readings acked per second</h2>" + chart(throughput, "second of the measured run",
        String.format("readings/s, top %,.0f", maxRate), new String[] {}) + "</body></html>\n";
  }

  private static String line(StringBuilder points, String colour, String name) {
    return "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" + colour + "\" points=\"" + points + "\"><title>"
        + escape(name) + "</title></polyline>";
  }

  private static String chart(StringBuilder lines, String xLabel, String yLabel, String[] ticks) {
    StringBuilder marks = new StringBuilder();
    for (int i = 0; i < ticks.length; i++) {
      marks.append(String.format("<text x=\"%.0f\" y=\"278\" font-size=\"11\">%s</text>", 40 + 520.0 * i / 4, ticks[i]));
    }
    return "<svg role=\"img\" aria-label=\"" + escape(yLabel) + " by " + escape(xLabel) + "\" width=\"600\" "
        + "height=\"310\"><line x1=\"40\" y1=\"260\" x2=\"560\" y2=\"260\" stroke=\"#888\"/><line x1=\"40\" y1=\"20\" "
        + "x2=\"40\" y2=\"260\" stroke=\"#888\"/>" + lines + marks + "<text x=\"40\" y=\"300\" font-size=\"12\">"
        + escape(xLabel) + "</text><text x=\"44\" y=\"14\" font-size=\"12\">" + escape(yLabel) + "</text></svg>";
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
