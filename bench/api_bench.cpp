// The API client's own overhead, network excluded: what the runtime spends per streamed token
// (SSE parsing, chunk JSON, tool-call reassembly, delta dispatch) and per request (serialising
// the history, building the HTTP request, decoding a short answer), with histories from a few
// turns to ~1M tokens. An in-memory transport replays recorded-shape streams in 1,400-byte
// reads, as a network would deliver them.
//
// Times are the thread's CPU time. The side-by-side column is the naive way to build the same request: serialising the whole
// history into one JSON document each time, which is what the per-message cache avoids.
//
// Usage: api_bench [tokens_per_stream (default 200000)] [max_turns (default 1000)]
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "inference/api/api_backend.h"

namespace {

using namespace agent;
// Thread CPU time: the build machines are shared, and wall time would count other jobs.
struct Clock {
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<Clock, duration>;
  static time_point now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(duration(int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec));
  }
};

// Replays one canned event stream for every request.
class ReplayTransport final : public api::HttpTransport {
 public:
  explicit ReplayTransport(std::string stream) : stream_(std::move(stream)) {}
  Status send(const api::HttpRequest& req, api::HttpBodySink& sink, const CancelToken&) override {
    bytes_sent += req.body_size();
    AGENT_RETURN_IF_ERROR(sink.on_head(api::HttpResponseHead{200, "OK", {{"Content-Type", "text/event-stream"}}}));
    for (size_t i = 0; i < stream_.size(); i += 1400) {
      AGENT_RETURN_IF_ERROR(sink.on_data(std::string_view(stream_).substr(i, 1400)));
    }
    return ok_status();
  }
  size_t bytes_sent = 0;

 private:
  std::string stream_;
};

struct Counter final : StreamObserver {
  size_t deltas = 0, bytes = 0;
  void on_reasoning_delta(std::string_view d) override { ++deltas, bytes += d.size(); }
  void on_text_delta(std::string_view d) override { ++deltas, bytes += d.size(); }
};

std::string chunk(const char* delta_field, const std::string& piece) {
  Json c{{"id", "5b4f0c3e-1f7a-4c1e-9d0e-3a2b1c0d9e8f"}, {"object", "chat.completion.chunk"}, {"created", 1759912345},
         {"model", "deepseek-v4-pro"}, {"system_fingerprint", "fp_ffc7281d48_prod0820_fp8_kvcache"},
         {"choices", Json::array({Json{{"index", 0}, {"delta", Json{{"content", nullptr}, {delta_field, piece}}},
                                       {"logprobs", nullptr}, {"finish_reason", nullptr}}})},
         {"usage", nullptr}};
  return "data: " + c.dump() + "\n\n";
}

// `tokens` deltas (a third reasoning, the rest text; ~4 bytes each), a tool call in 50
// fragments, the usage chunk and [DONE]: one token per chunk, as DeepSeek streams.
std::string openai_stream(size_t tokens) {
  static const char* words[] = {" the", " pars", "er", " fails", " on", " empty", " input", ";", " fix", " it"};
  std::string s = ": keep-alive\n\n";
  for (size_t i = 0; i < tokens; ++i) s += chunk(i < tokens / 3 ? "reasoning_content" : "content", words[i % 10]);
  std::string args = R"({"command": "make test && ./run_tests --filter parser --verbose"})";
  for (size_t i = 0; i < args.size(); i += 2) {
    Json frag{{"index", 0}, {"function", Json{{"arguments", args.substr(i, 2)}}}};
    if (i == 0) frag = Json{{"index", 0}, {"id", "call_1"}, {"type", "function"}, {"function", Json{{"name", "shell"}, {"arguments", args.substr(0, 2)}}}};
    s += "data: " + Json{{"choices", Json::array({Json{{"index", 0}, {"delta", Json{{"tool_calls", Json::array({frag})}}}}})}}.dump() + "\n\n";
  }
  s += "data: " + Json{{"choices", Json::array({Json{{"index", 0}, {"delta", Json::object()}, {"finish_reason", "tool_calls"}}})}}.dump() + "\n\n";
  s += "data: " + Json{{"choices", Json::array()}, {"usage", Json{{"prompt_tokens", 1000}, {"completion_tokens", tokens}, {"prompt_cache_hit_tokens", 900}}}}.dump() + "\n\n";
  return s + "data: [DONE]\n\n";
}

std::unique_ptr<api::ApiBackend> backend_with(std::string stream, ReplayTransport** out) {
  auto t = std::make_unique<ReplayTransport>(std::move(stream));
  *out = t.get();
  api::ApiBackendOptions o;
  o.api_key = "sk-bench-0000000000000000";
  auto b = api::ApiBackend::create(o, std::move(t));
  if (!b.ok()) {
    std::fprintf(stderr, "api_bench: %s\n", b.status().to_string().c_str());
    std::exit(1);
  }
  return std::move(*b);
}

void bench_stream(size_t tokens) {
  ReplayTransport* t = nullptr;
  std::string stream = openai_stream(tokens);
  auto b = backend_with(stream, &t);
  Conversation c;
  c.append(Message::user("fix the parser"));
  ModelRequest req;
  req.conversation = &c;
  req.model = "deepseek-v4-pro";
  Counter obs;
  CancelToken cancel;
  double best = 1e9;
  for (int rep = 0; rep < 5; ++rep) {
    auto t0 = Clock::now();
    auto r = b->complete(req, obs, cancel);
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (!r.ok() || r->message.tool_calls.size() != 1) {
      std::fprintf(stderr, "api_bench: stream failed\n");
      std::exit(1);
    }
    best = std::min(best, s);
  }
  std::printf("streaming: %zu tokens, %.1f MB of SSE, best of 5: %.1f ms = %.0f ns per token (%.1f MB/s)\n", tokens,
              static_cast<double>(stream.size()) / 1e6, best * 1e3, best * 1e9 / static_cast<double>(tokens),
              static_cast<double>(stream.size()) / 1e6 / best);
}

// One turn of history: an assistant tool call with reasoning and its ~3 KB result (~1K tokens).
void add_turn(Conversation& c, int i) {
  Message a;
  a.role = Role::kAssistant;
  a.reasoning = "Turn " + std::to_string(i) + ": the output of the last command shows the next thing to check.";
  a.tool_calls = {ToolCall{"call_" + std::to_string(i), "shell", "{\"command\":\"grep -rn parse src | head -50\"}"}};
  c.append(std::move(a));
  c.append(Message::tool("call_" + std::to_string(i), "shell", std::string(3000, 'x') + " " + std::to_string(i), false));
}

// The naive request: the whole history serialised again, as one document.
size_t naive_request(const Conversation& c) {
  Json msgs = Json::array();
  for (const auto& m : c.messages()) {
    Json j{{"role", role_name(m.role)}, {"content", m.content}};
    if (!m.tool_calls.empty()) {
      j["reasoning_content"] = m.reasoning;
      Json calls = Json::array();
      for (const auto& t : m.tool_calls) calls.push_back(Json{{"id", t.id}, {"type", "function"}, {"function", Json{{"name", t.name}, {"arguments", t.arguments}}}});
      j["tool_calls"] = calls;
    }
    if (m.role == Role::kTool) j["tool_call_id"] = m.tool_call_id;
    msgs.push_back(std::move(j));
  }
  return Json{{"model", "deepseek-v4-pro"}, {"messages", msgs}, {"stream", true}}.dump().size();
}

void bench_requests(int max_turns) {
  ReplayTransport* t = nullptr;
  auto b = backend_with(openai_stream(20), &t);
  Conversation c;
  c.append(Message::system(std::string(6000, 's')));
  c.append(Message::user("fix the parser"));
  ModelRequest req;
  req.conversation = &c;
  req.model = "deepseek-v4-pro";
  Counter obs;
  CancelToken cancel;
  std::printf("\nper request (serialise + HTTP request + decode a 20-token answer), history growing by ~1K tokens a turn:\n");
  std::printf("%8s %12s %14s %14s %8s\n", "turn", "history MB", "ours (us)", "naive (us)", "ratio");
  std::vector<int> report = {1, 10, 100, 250, 500, 1000};
  for (int turn = 1; turn <= max_turns; ++turn) {
    add_turn(c, turn);
    auto t0 = Clock::now();
    auto r = b->complete(req, obs, cancel);
    double ours = std::chrono::duration<double>(Clock::now() - t0).count();
    if (!r.ok()) {
      std::fprintf(stderr, "api_bench: %s\n", r.status().to_string().c_str());
      std::exit(1);
    }
    if (std::find(report.begin(), report.end(), turn) == report.end() && turn != max_turns) continue;
    auto n0 = Clock::now();
    size_t naive_bytes = naive_request(c);
    double naive = std::chrono::duration<double>(Clock::now() - n0).count();
    std::printf("%8d %12.2f %14.1f %14.1f %7.1fx\n", turn, static_cast<double>(naive_bytes) / 1e6, ours * 1e6,
                naive * 1e6, naive / ours);
    if (turn == max_turns) break;
  }
}

}  // namespace

int main(int argc, char** argv) {
  size_t tokens = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
  int turns = argc > 2 ? std::atoi(argv[2]) : 1000;
  bench_stream(tokens);
  bench_requests(std::max(1, turns));
  return 0;
}
