// Test support: load a local HTML file in headless Chromium (Debian package `chromium`) and
// read the DOM as it is after the page's load event, to check what a browser rendered.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "tests/support/process.h"

namespace agent::testing {

// $CHROMIUM, /usr/bin/chromium or /usr/bin/chromium-browser; empty when none is installed.
std::string find_chromium();

// chromium --headless --dump-dom file://<html>; `profile` is a fresh user-data folder.
ProcessResult chromium_dump_dom(const std::string& chromium, const std::filesystem::path& html,
                                const std::filesystem::path& profile);

// For every <svg class="plot" ...> start tag in `dom`: its id -> its attributes.
std::map<std::string, std::map<std::string, std::string>> plot_attributes(const std::string& dom);

}  // namespace agent::testing
