// Horizontal bar charts as inline SVG, for report.html (no scripts or external resources
// needed to draw them). Each drawn bar is a <rect class="bar">, and the chart's <svg> carries
// class "plot" and data-bars (how many bars it drew), so a browser test can check that they
// were laid out.
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agent::bench {

struct BarSegment {
  double value = 0;
  std::string color;  // CSS colour
  std::string label;  // shown on hover
};

struct BarRow {
  std::string label;
  std::vector<BarSegment> segments;  // stacked left to right
};

struct BarChart {
  std::string id;       // element id of the <svg>
  std::string caption;  // accessible name
  std::vector<BarRow> rows;
  std::vector<std::pair<std::string, std::string>> legend;  // (name, colour)
  std::function<std::string(double)> format;                 // axis and total labels
};

// Empty string when no row has a positive value (the caller says "no data" instead).
std::string render_bar_chart(const BarChart& chart);

std::string html_escape(std::string_view s);

}  // namespace agent::bench
