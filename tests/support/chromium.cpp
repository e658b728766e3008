#include "tests/support/chromium.h"

#include <cstdlib>

namespace agent::testing {

std::string find_chromium() {
  const char* env = std::getenv("CHROMIUM");
  if (env != nullptr && *env != '\0') return env;
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (std::filesystem::exists(p)) return p;
  }
  return "";
}

ProcessResult chromium_dump_dom(const std::string& chromium, const std::filesystem::path& html,
                                const std::filesystem::path& profile) {
  ProcessOptions opts;
  opts.timeout = std::chrono::seconds(90);
  return run_process({chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
                      "--user-data-dir=" + profile.string(), "--dump-dom", "file://" + html.string()},
                     opts);
}

std::map<std::string, std::map<std::string, std::string>> plot_attributes(const std::string& dom) {
  std::map<std::string, std::map<std::string, std::string>> out;
  for (size_t pos = dom.find("<svg "); pos != std::string::npos; pos = dom.find("<svg ", pos + 1)) {
    size_t end = dom.find('>', pos);
    if (end == std::string::npos) break;
    std::string tag = dom.substr(pos + 5, end - pos - 5);
    std::map<std::string, std::string> attrs;
    size_t i = 0;
    while (i < tag.size()) {
      size_t eq = tag.find("=\"", i);
      if (eq == std::string::npos) break;
      size_t name_start = tag.find_last_of(' ', eq);
      name_start = name_start == std::string::npos ? 0 : name_start + 1;
      if (name_start < i) name_start = i;
      size_t close = tag.find('"', eq + 2);
      if (close == std::string::npos) break;
      attrs[tag.substr(name_start, eq - name_start)] = tag.substr(eq + 2, close - eq - 2);
      i = close + 1;
    }
    if (attrs["class"] == "plot") out[attrs["id"]] = attrs;
  }
  return out;
}

}  // namespace agent::testing
