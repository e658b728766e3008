#include "inference/engine/chat/dsml.h"

#include <algorithm>

#include "common/text.h"
#include "inference/engine/chat/python_json.h"

namespace agent::engine {

namespace {

constexpr std::string_view kInvokeOpen = "<｜DSML｜invoke";
constexpr std::string_view kInvokeClose = "</｜DSML｜invoke";
constexpr std::string_view kParamOpen = "<｜DSML｜parameter";
constexpr std::string_view kParamClose = "/｜DSML｜parameter";
constexpr std::string_view kSeparator = ">\n";
constexpr std::string_view kNameAttr = "name=\"";
constexpr std::string_view kParamAttr = " name=\"";
constexpr std::string_view kStringTrue = "\" string=\"true\">";
constexpr std::string_view kStringFalse = "\" string=\"false\">";
// An invoke header longer than this is not a tool name: stop waiting for its end.
constexpr size_t kMaxHeaderBytes = 4096;

// At most 80 bytes of `s` for an error message, cut at a character boundary.
std::string snippet(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, utf8_safe_prefix(s, 80))) {
    if (c == '\n') out += "\\n";
    else out += c;
  }
  return "\"" + out + (s.size() > 80 ? "...\"" : "\"");
}

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// True when `have` could still grow into `want` (or already starts with it).
bool compatible(std::string_view have, std::string_view want) {
  size_t n = std::min(have.size(), want.size());
  return have.substr(0, n) == want.substr(0, n);
}

std::string render_params(const std::string& arguments) {
  OrderedJson args = OrderedJson::parse(arguments, nullptr, /*allow_exceptions=*/false);
  if (!args.is_object()) args = OrderedJson{{"arguments", arguments}};
  std::string out;
  bool first = true;
  for (const auto& [key, value] : args.items()) {
    if (!first) out += "\n";
    first = false;
    bool is_string = value.is_string();
    out += "<｜DSML｜parameter name=\"" + key + "\" string=\"" + (is_string ? "true" : "false") +
           "\">";
    out += is_string ? value.get<std::string>() : python_json_dumps(value);
    out += "</｜DSML｜parameter>";
  }
  return out;
}

}  // namespace

std::string render_dsml_tool_calls(const std::vector<ChatToolCall>& calls) {
  std::string out = "\n\n<｜DSML｜tool_calls>\n";
  for (size_t i = 0; i < calls.size(); ++i) {
    if (i > 0) out += "\n";
    out += "<｜DSML｜invoke name=\"" + calls[i].name + "\">\n";
    out += render_params(calls[i].arguments);
    out += "\n</｜DSML｜invoke>";
  }
  out += "\n</｜DSML｜tool_calls>";
  return out;
}

DsmlBlockParser::State DsmlBlockParser::feed(std::string_view text, std::vector<ToolCall>* calls) {
  if (state_ == State::kDone) {
    rest_.append(text);
    return state_;
  }
  if (state_ == State::kError) return state_;
  buf_.append(text);
  while (state_ == State::kMore && step(calls)) {
  }
  return state_;
}

bool DsmlBlockParser::fail(std::string message) {
  state_ = State::kError;
  error_ = "malformed tool call block: " + std::move(message);
  return false;
}

size_t DsmlBlockParser::find_stop(std::initializer_list<std::string_view> stops, size_t* which) {
  size_t start = std::max(pos_, scan_from_);
  size_t best = std::string::npos;
  size_t longest = 0;
  size_t i = 0;
  for (std::string_view s : stops) {
    size_t p = buf_.find(s, start);
    if (p < best) {
      best = p;
      *which = i;
    }
    longest = std::max(longest, s.size());
    ++i;
  }
  // A stop not found yet may still end in text to come: next time, look from where it could start.
  if (best == std::string::npos && buf_.size() >= longest) {
    scan_from_ = std::max(start, buf_.size() - longest + 1);
  }
  return best;
}

bool DsmlBlockParser::separator(std::initializer_list<std::string_view> stops, size_t* which) {
  size_t q = find_stop(stops, which);
  std::string_view have = std::string_view(buf_).substr(pos_, q == std::string::npos ? q : q - pos_);
  if (q != std::string::npos) {
    if (have != kSeparator) {
      return fail("expected a line break before " + std::string(stops.begin()[*which]) + ", got " +
                  snippet(have));
    }
    pos_ = q + stops.begin()[*which].size();
    return true;
  }
  for (std::string_view s : stops) {
    if (compatible(have, std::string(kSeparator) + std::string(s))) return false;  // more to come
  }
  std::string want;
  for (std::string_view s : stops) want += (want.empty() ? "" : " or ") + std::string(s);
  return fail("expected a line break and then " + want + ", got " + snippet(have));
}

bool DsmlBlockParser::invoke_header() {
  size_t which = 0;
  size_t q = find_stop({kParamOpen, kInvokeClose}, &which);
  std::string_view h = std::string_view(buf_).substr(pos_, q == std::string::npos ? q : q - pos_);
  size_t lead = 0;
  while (lead < h.size() && is_space(h[lead])) ++lead;
  std::string_view attr = h.substr(lead);
  if (!compatible(attr, kNameAttr)) return fail("expected name=\"...\" in invoke, got " + snippet(h));
  if (q == std::string::npos) {
    if (h.size() > kMaxHeaderBytes) return fail("invoke tag not closed: " + snippet(h));
    return false;
  }
  // name="NAME">\n, where a second \n may follow (Python's $ allows one).
  std::string_view r = attr.substr(std::min(attr.size(), kNameAttr.size()));
  size_t cut = r.ends_with("\">\n\n") ? 4 : r.ends_with("\">\n") ? 3 : 0;
  if (attr.size() < kNameAttr.size() || cut == 0) {
    return fail("expected name=\"...\"> and a line break in invoke, got " + snippet(h));
  }
  name_ = std::string(r.substr(0, r.size() - cut));
  params_.clear();
  pos_ = q + (which == 0 ? kParamOpen.size() : kInvokeClose.size());
  stage_ = which == 0 ? Stage::kParameter : Stage::kSeparator;
  return true;
}

bool DsmlBlockParser::parameter() {
  size_t which = 0;
  size_t q = find_stop({kParamClose}, &which);
  std::string_view c = std::string_view(buf_).substr(pos_, q == std::string::npos ? q : q - pos_);
  if (!compatible(c, kParamAttr)) {
    return fail("expected name=\"...\" in parameter, got " + snippet(c));
  }
  if (q == std::string::npos) return false;
  std::string_view s = c.substr(std::min(c.size(), kParamAttr.size()));
  size_t t = s.find(kStringTrue);
  size_t f = s.find(kStringFalse);
  size_t k = std::min(t, f);
  if (c.size() < kParamAttr.size() || k == std::string::npos) {
    return fail("expected name=\"...\" string=\"true|false\"> in parameter, got " + snippet(c));
  }
  bool is_string = k == t;
  std::string_view value = s.substr(k + (is_string ? kStringTrue : kStringFalse).size());
  size_t cut = value.ends_with("<\n") ? 2 : value.ends_with("<") ? 1 : 0;
  if (cut == 0) return fail("parameter value not followed by its closing tag: " + snippet(c));
  std::string name(s.substr(0, k));
  for (const Param& p : params_) {
    if (p.name == name) return fail("duplicate parameter \"" + name + "\"");
  }
  params_.push_back({std::move(name), std::string(value.substr(0, value.size() - cut)), is_string});
  pos_ = q + kParamClose.size();
  stage_ = Stage::kParameterEnd;
  return true;
}

void DsmlBlockParser::close_invoke(std::vector<ToolCall>* calls) {
  std::string args = "{";
  for (size_t i = 0; i < params_.size(); ++i) {
    if (i > 0) args += ", ";
    args += python_json_string(params_[i].name) + ": ";
    args += params_[i].is_string ? python_json_string(params_[i].value) : params_[i].value;
  }
  args += "}";
  calls->push_back(ToolCall{"", name_, std::move(args)});
  params_.clear();
}

bool DsmlBlockParser::step(std::vector<ToolCall>* calls) {
  size_t which = 0;
  switch (stage_) {
    case Stage::kSeparator:
      if (!separator({kInvokeOpen, kToolCallsEnd}, &which)) return false;
      if (which == 1) {
        state_ = State::kDone;
        rest_ = buf_.substr(pos_);
        return false;
      }
      stage_ = Stage::kInvokeHeader;
      return true;
    case Stage::kInvokeHeader: {
      if (!invoke_header()) return false;
      if (stage_ == Stage::kSeparator) close_invoke(calls);  // an invoke without parameters
      return true;
    }
    case Stage::kParameter:
      return parameter();
    case Stage::kParameterEnd:
      if (!separator({kParamOpen, kInvokeClose}, &which)) return false;
      if (which == 1) {
        close_invoke(calls);
        stage_ = Stage::kSeparator;
      } else {
        stage_ = Stage::kParameter;
      }
      return true;
  }
  return false;
}

}  // namespace agent::engine
