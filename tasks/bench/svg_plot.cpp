#include "tasks/bench/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace agent::bench {

namespace {

constexpr double kWidth = 760, kLabelWidth = 230, kTotalWidth = 80, kTop = 26, kAxis = 22;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A "nice" upper bound for the axis: 1, 2 or 5 times a power of ten.
double nice_max(double v) {
  if (v <= 0) return 1;
  double p = std::pow(10, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

std::string legend_svg(const BarChart& c) {
  std::string s;
  double x = kLabelWidth;
  for (const auto& [name, color] : c.legend) {
    s += "<rect x=\"" + num(x) + "\" y=\"6\" width=\"12\" height=\"12\" fill=\"" + color + "\"/>";
    s += "<text x=\"" + num(x + 16) + "\" y=\"16\" class=\"legend\">" + html_escape(name) + "</text>";
    x += 28 + 7.0 * static_cast<double>(name.size());
  }
  return s;
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_bar_chart(const BarChart& c) {
  double max_total = 0;
  for (const auto& r : c.rows) {
    double t = 0;
    for (const auto& s : r.segments) t += std::max(0.0, s.value);
    max_total = std::max(max_total, t);
  }
  if (max_total <= 0) return "";
  // Long batches get thin rows without labels; the table below the plot names the tasks.
  bool labels = c.rows.size() <= 60;
  double row_h = labels ? 18 : std::max(3.0, 600.0 / static_cast<double>(c.rows.size()));
  double plot_w = kWidth - kLabelWidth - kTotalWidth;
  double axis_max = nice_max(max_total);
  double height = kTop + row_h * static_cast<double>(c.rows.size()) + kAxis;
  std::string body;
  int bars = 0;
  for (int i = 0; i <= 4; ++i) {
    double x = kLabelWidth + plot_w * i / 4;
    body += "<line x1=\"" + num(x) + "\" x2=\"" + num(x) + "\" y1=\"" + num(kTop - 4) + "\" y2=\"" +
            num(height - kAxis + 2) + "\" class=\"grid\"/>";
    body += "<text x=\"" + num(x) + "\" y=\"" + num(height - 6) + "\" class=\"tick\">" +
            html_escape(c.format(axis_max * i / 4)) + "</text>";
  }
  for (size_t i = 0; i < c.rows.size(); ++i) {
    const BarRow& r = c.rows[i];
    double y = kTop + row_h * static_cast<double>(i);
    if (labels) {
      body += "<text x=\"" + num(kLabelWidth - 6) + "\" y=\"" + num(y + row_h * 0.7) + "\" class=\"label\">" +
              html_escape(r.label) + "</text>";
    }
    double x = kLabelWidth, total = 0;
    for (const auto& s : r.segments) {
      if (s.value <= 0) continue;
      double w = plot_w * s.value / axis_max;
      body += "<rect class=\"bar\" x=\"" + num(x) + "\" y=\"" + num(y + 2) + "\" width=\"" + num(std::max(w, 0.5)) +
              "\" height=\"" + num(std::max(1.0, row_h - 4)) + "\" fill=\"" + s.color + "\"><title>" +
              html_escape(r.label + ": " + s.label + " " + c.format(s.value)) + "</title></rect>";
      x += w;
      total += s.value;
      ++bars;
    }
    if (labels) {
      body += "<text x=\"" + num(x + 4) + "\" y=\"" + num(y + row_h * 0.7) + "\" class=\"total\">" +
              html_escape(c.format(total)) + "</text>";
    }
  }
  return "<svg class=\"plot\" id=\"" + html_escape(c.id) + "\" data-bars=\"" + std::to_string(bars) +
         "\" role=\"img\" aria-label=\"" + html_escape(c.caption) + "\" width=\"" + num(kWidth) + "\" height=\"" +
         num(height) + "\" viewBox=\"0 0 " + num(kWidth) + " " + num(height) +
         "\" xmlns=\"http://www.w3.org/2000/svg\">" + legend_svg(c) + body + "</svg>";
}

}  // namespace agent::bench
