package org.ezshop.load.chaos;

import java.util.List;
import java.util.function.ToIntFunction;

/** The report as one self-contained HTML page: scores, the faulted pass's timeline as SVG, faults, invariants. */
final class ChaosPage {

  private static final int WIDTH = 960;
  private static final int HEIGHT = 220;

  private ChaosPage() {
  }

  static String html(ChaosReport report, ChaosSettings settings) {
    StringBuilder h = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>ezshop chaos</title>"
        + "<style>body{font:14px sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        + "padding:4px 8px;text-align:left}.ok{color:#070}.fail{color:#b00;font-weight:bold}</style></head><body>");
    h.append("<h1>ezshop chaos: ").append(settings.profile()).append(" profile, seed ").append(settings.seed())
        .append("</h1><p class=\"").append(report.held() ? "ok\">Every invariant held" : "fail\">Broken")
        .append(String.format("</p><p>Clean F1 %.3f, faulted F1 %.3f. Simulated store: seed %d, %d shoppers, %d rows, "
            + "%.1f store minutes at %.1fx.</p>", report.cleanF1(), report.faultedF1(), settings.sim().seed(),
            settings.sim().shoppers(), settings.sim().rows(), settings.sim().minutes(), settings.sim().speed()));
    h.append("<h2>Faulted pass: timeline</h2>").append(svg(report.faulted))
        .append("<p>Green: devices linked. Blue: shelf changes waiting for their decision. Orange: of them, waiting "
            + "for a camera's frames. Grey bands: faults. A gap: the gateway did not answer.</p>");
    h.append("<h2>Faults</h2><table><tr><th>at</th><th>took</th><th>fault</th><th>outcome</th></tr>");
    for (ChaosRun.Done d : report.faulted.faults()) {
      h.append(String.format("<tr><td>%.1f s</td><td>%.1f s</td><td>%s</td><td class=\"%s\">%s</td></tr>",
          d.startedMillis() / 1000.0, d.tookMillis() / 1000.0, escape(d.fault().toString()),
          d.error() == null ? "ok" : "fail", d.error() == null ? "done" : escape(d.error())));
    }
    h.append("</table><h2>Invariants</h2><table><tr><th>pass</th><th>invariant</th><th>held</th><th>evidence</th></tr>");
    for (ChaosRun.Result r : List.of(report.clean, report.faulted)) {
      for (Invariants.Check c : r.checks()) {
        h.append("<tr><td>").append(r.name()).append("</td><td>").append(escape(c.name())).append("</td><td class=\"")
            .append(c.held() ? "ok\">yes" : "fail\">NO").append("</td><td>").append(escape(c.detail()))
            .append("</td></tr>");
      }
    }
    return h.append("</table></body></html>\n").toString();
  }

  private static String svg(ChaosRun.Result r) {
    List<Timeline.Sample> samples = r.samples();
    long end = Math.max(1, samples.isEmpty() ? 1 : samples.get(samples.size() - 1).atMillis());
    int top = Math.max(1, samples.stream().mapToInt(s -> Math.max(s.links(), s.waiting())).max().orElse(1));
    StringBuilder s = new StringBuilder(String.format("<svg width=\"%d\" height=\"%d\" style=\"border:1px solid #ccc\">",
        WIDTH, HEIGHT + 20));
    for (ChaosRun.Done d : r.faults()) {
      double x = x(d.startedMillis(), end);
      s.append(String.format("<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"%d\" fill=\"#ddd\"><title>%s</title>"
          + "</rect><text x=\"%.1f\" y=\"%d\" font-size=\"10\">%s</text>", x, Math.max(2, x(d.tookMillis(), end)),
          HEIGHT, escape(d.fault().toString()), x, HEIGHT + 14, escape(d.fault().kind().name().toLowerCase())));
    }
    s.append(line(samples, end, top, Timeline.Sample::links, "#2a2"))
        .append(line(samples, end, top, Timeline.Sample::waiting, "#26c"))
        .append(line(samples, end, top, Timeline.Sample::waitingForCameras, "#e80"));
    return s.append("</svg>").toString();
  }

  private static String line(List<Timeline.Sample> samples, long end, int top, ToIntFunction<Timeline.Sample> value,
      String colour) {
    StringBuilder points = new StringBuilder();
    StringBuilder s = new StringBuilder();
    for (Timeline.Sample sample : samples) {
      int v = value.applyAsInt(sample);
      if (v < 0) {
        s.append(polyline(points, colour));
        points.setLength(0);
        continue;
      }
      points.append(String.format("%.1f,%.1f ", x(sample.atMillis(), end), HEIGHT - 5 - (HEIGHT - 10.0) * v / top));
    }
    return s.append(polyline(points, colour)).toString();
  }

  private static String polyline(CharSequence points, String colour) {
    return points.length() == 0 ? "" : "<polyline fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\" points=\""
        + points + "\"/>";
  }

  private static double x(long millis, long end) {
    return (double) WIDTH * millis / end;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
