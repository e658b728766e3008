#include "tests/support/fake_provider.h"

namespace agent::testing {

namespace {

std::vector<std::string> pieces_of(const std::string& s, size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size(); i += n) out.push_back(s.substr(i, n));
  return out;
}

std::string data_event(const Json& j) { return "data: " + j.dump() + "\n\n"; }
std::string named_event(const std::string& name, const Json& j) {
  return "event: " + name + "\ndata: " + j.dump() + "\n\n";
}

Json openai_chunk(const FakeTurn& t, Json delta, Json finish = nullptr) {
  return Json{{"id", "0f1e2d3c-fake"},
              {"object", "chat.completion.chunk"},
              {"created", 1760000000},
              {"model", t.model},
              {"system_fingerprint", "fp_fake_prod0820_fp8_kvcache"},
              {"choices", Json::array({Json{{"index", 0}, {"delta", std::move(delta)}, {"logprobs", nullptr},
                                            {"finish_reason", std::move(finish)}}})},
              {"usage", nullptr}};
}

Json error_body(const std::string& type, const std::string& message) {
  return Json{{"error", Json{{"message", message}, {"type", type}, {"param", nullptr}, {"code", type}}}};
}

}  // namespace

std::vector<std::string> openai_events(const FakeTurn& t, size_t piece) {
  std::vector<std::string> ev{": keep-alive\n\n"};
  ev.push_back(data_event(openai_chunk(t, Json{{"role", "assistant"}, {"content", nullptr}, {"reasoning_content", ""}})));
  for (const auto& p : pieces_of(t.reasoning, piece)) {
    ev.push_back(data_event(openai_chunk(t, Json{{"content", nullptr}, {"reasoning_content", p}})));
  }
  for (const auto& p : pieces_of(t.content, piece)) {
    ev.push_back(data_event(openai_chunk(t, Json{{"content", p}, {"reasoning_content", nullptr}})));
  }
  // Parallel calls: every call's head first, then their argument fragments interleaved.
  std::vector<std::vector<std::string>> args;
  for (size_t i = 0; i < t.calls.size(); ++i) {
    const ToolCall& c = t.calls[i];
    Json frag{{"index", i}, {"id", c.id}, {"type", "function"}, {"function", Json{{"name", c.name}, {"arguments", ""}}}};
    ev.push_back(data_event(openai_chunk(t, Json{{"content", nullptr}, {"tool_calls", Json::array({frag})}})));
    args.push_back(pieces_of(c.arguments, piece));
  }
  for (size_t k = 0;; ++k) {
    bool any = false;
    for (size_t i = 0; i < args.size(); ++i) {
      if (k >= args[i].size()) continue;
      any = true;
      Json frag{{"index", i}, {"function", Json{{"arguments", args[i][k]}}}};
      ev.push_back(data_event(openai_chunk(t, Json{{"content", nullptr}, {"tool_calls", Json::array({frag})}})));
    }
    if (!any) break;
  }
  std::string finish = !t.finish.empty() ? t.finish : (t.calls.empty() ? "stop" : "tool_calls");
  ev.push_back(data_event(openai_chunk(t, Json{{"content", ""}}, finish)));
  const Usage& u = t.usage;
  Json usage{{"prompt_tokens", u.prompt_tokens},
             {"completion_tokens", u.completion_tokens},
             {"total_tokens", u.prompt_tokens + u.completion_tokens},
             {"prompt_tokens_details", Json{{"cached_tokens", u.cached_tokens}}},
             {"completion_tokens_details", Json{{"reasoning_tokens", u.reasoning_tokens}}},
             {"prompt_cache_hit_tokens", u.cached_tokens},
             {"prompt_cache_miss_tokens", u.prompt_tokens - u.cached_tokens}};
  Json last = openai_chunk(t, Json::object());
  last["choices"] = Json::array();
  last["usage"] = usage;
  ev.push_back(data_event(last));
  ev.push_back("data: [DONE]\n\n");
  return ev;
}

std::vector<std::string> anthropic_events(const FakeTurn& t, size_t piece) {
  const Usage& u = t.usage;
  std::vector<std::string> ev;
  ev.push_back(named_event("message_start", Json{{"type", "message_start"},
                                                 {"message", Json{{"id", "msg_fake"}, {"type", "message"}, {"role", "assistant"},
                                                                  {"model", t.model}, {"content", Json::array()},
                                                                  {"stop_reason", nullptr}, {"stop_sequence", nullptr},
                                                                  {"usage", Json{{"input_tokens", u.prompt_tokens - u.cached_tokens},
                                                                                 {"cache_read_input_tokens", u.cached_tokens},
                                                                                 {"output_tokens", 1}}}}}}));
  ev.push_back("event: ping\ndata: {\"type\": \"ping\"}\n\n");
  int index = 0;
  auto block = [&](const Json& start, const std::vector<Json>& deltas) {
    ev.push_back(named_event("content_block_start", Json{{"type", "content_block_start"}, {"index", index}, {"content_block", start}}));
    for (const auto& d : deltas) {
      ev.push_back(named_event("content_block_delta", Json{{"type", "content_block_delta"}, {"index", index}, {"delta", d}}));
    }
    ev.push_back(named_event("content_block_stop", Json{{"type", "content_block_stop"}, {"index", index}}));
    ++index;
  };
  if (!t.reasoning.empty()) {
    std::vector<Json> d;
    for (const auto& p : pieces_of(t.reasoning, piece)) d.push_back(Json{{"type", "thinking_delta"}, {"thinking", p}});
    d.push_back(Json{{"type", "signature_delta"}, {"signature", "5c1f9a52-sig"}});
    block(Json{{"type", "thinking"}, {"thinking", ""}, {"signature", ""}}, d);
  }
  if (!t.content.empty()) {
    std::vector<Json> d;
    for (const auto& p : pieces_of(t.content, piece)) d.push_back(Json{{"type", "text_delta"}, {"text", p}});
    block(Json{{"type", "text"}, {"text", ""}}, d);
  }
  for (const auto& c : t.calls) {
    std::vector<Json> d;
    for (const auto& p : pieces_of(c.arguments, piece)) d.push_back(Json{{"type", "input_json_delta"}, {"partial_json", p}});
    block(Json{{"type", "tool_use"}, {"id", c.id}, {"name", c.name}, {"input", Json::object()}}, d);
  }
  std::string stop = !t.finish.empty() ? t.finish : (t.calls.empty() ? "end_turn" : "tool_use");
  ev.push_back(named_event("message_delta", Json{{"type", "message_delta"},
                                                 {"delta", Json{{"stop_reason", stop}, {"stop_sequence", nullptr}}},
                                                 {"usage", Json{{"output_tokens", u.completion_tokens}}}}));
  ev.push_back(named_event("message_stop", Json{{"type", "message_stop"}}));
  return ev;
}

FakeResponse sse_response(std::vector<std::string> events) {
  FakeResponse r;
  r.headers = {{"Content-Type", "text/event-stream; charset=utf-8"}, {"Cache-Control", "no-cache"}};
  r.pieces = std::move(events);
  return r;
}

std::unique_ptr<FakeProvider> FakeProvider::start(Format format, std::vector<FakeTurn> turns,
                                                  std::optional<SelfSignedCert> tls) {
  std::unique_ptr<FakeProvider> p(new FakeProvider());
  p->format_ = format;
  p->turns_ = std::move(turns);
  p->server_ = FakeHttpServer::start([q = p.get()](const FakeRequest& r) { return q->answer(r); }, std::move(tls));
  return p;
}

void FakeProvider::inject(size_t request_index, Fault fault) {
  std::lock_guard lock(mu_);
  faults_[request_index] = fault;
}

void FakeProvider::expect_key(std::string key) {
  std::lock_guard lock(mu_);
  key_ = std::move(key);
}

FakeResponse FakeProvider::answer(const FakeRequest& req) {
  Fault fault = Fault::kNone;
  std::string key;
  {
    std::lock_guard lock(mu_);
    if (auto it = faults_.find(count_); it != faults_.end()) fault = it->second;
    ++count_;
    key = key_;
  }
  const bool openai = format_ == Format::kOpenAI;
  const std::string endpoint = openai ? "/chat/completions" : "/messages";
  if (req.method != "POST" || req.target.size() < endpoint.size() ||
      req.target.compare(req.target.size() - endpoint.size(), endpoint.size(), endpoint) != 0) {
    return FakeResponse::text(404, "application/json", error_body("not_found", "no route " + req.target).dump());
  }
  std::string sent_key = openai ? req.header("Authorization") : req.header("x-api-key");
  if (openai && sent_key.rfind("Bearer ", 0) == 0) sent_key = sent_key.substr(7);
  if (!key.empty() && sent_key != key) fault = Fault::k401;
  Json body = Json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.contains("messages")) {
    return FakeResponse::text(400, "application/json", error_body("invalid_request_error", "bad JSON body").dump());
  }
  size_t turn = 0;
  for (const auto& m : body["messages"]) turn += m.value("role", "") == "assistant" ? 1 : 0;
  if (turn >= turns_.size()) {
    return FakeResponse::text(400, "application/json",
                              error_body("invalid_request_error", "fake provider has no turn " + std::to_string(turn + 1)).dump());
  }
  auto events = openai ? openai_events(turns_[turn]) : anthropic_events(turns_[turn]);
  return with_fault(fault, std::move(events));
}

FakeResponse FakeProvider::with_fault(Fault f, std::vector<std::string> events) {
  const bool openai = format_ == Format::kOpenAI;
  auto error = [](int status, const std::string& type, const std::string& msg) {
    return FakeResponse::text(status, "application/json", error_body(type, msg).dump());
  };
  FakeResponse r = sse_response(events);
  const size_t mid = events.size() / 2;
  switch (f) {
    case Fault::kNone: return r;
    case Fault::k429: return error(429, "rate_limit_error", "Rate Limit Reached");
    case Fault::k429RetryAfter: {
      FakeResponse e = error(429, "rate_limit_error", "Rate Limit Reached");
      e.headers.emplace_back("Retry-After", "1");
      return e;
    }
    case Fault::k500: return error(500, "server_error", "Server Error");
    case Fault::k503: return error(503, "server_error", "Server Overloaded");
    case Fault::k401: return error(401, "authentication_error", "Authentication Fails, Your api key is invalid");
    case Fault::k402: return error(402, "unknown_error", "Insufficient Balance");
    case Fault::k400: return error(400, "invalid_request_error", "Invalid Format");
    case Fault::kResetMidStream:
      r.end = FakeResponse::End::kReset;
      r.end_after = mid;
      return r;
    case Fault::kCutBeforeDone:
      r.pieces.pop_back();  // the HTTP body ends properly; the stream's end marker is missing
      return r;
    case Fault::kMalformedChunk:
      r.pieces[mid] = openai ? "data: {\"choices\":[{\"delta\":{\"content\":\"x\"\n\n"
                             : "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":\n\n";
      return r;
    case Fault::kSlowTrickle:
      r.gap = trickle_gap_;
      return r;
    case Fault::kStreamError:
      r.pieces.resize(3);
      r.pieces.push_back(openai ? "data: {\"error\":{\"message\":\"Server overloaded\",\"type\":\"server_error\"}}\n\n"
                                : "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
      return r;
    case Fault::kInsufficientResource:
      r.pieces.resize(3);
      r.pieces.push_back(openai ? "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"insufficient_system_resource\"}]}\n\n"
                                : "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"insufficient system resource\"}}\n\n");
      r.pieces.push_back("data: [DONE]\n\n");
      return r;
  }
  return r;
}

std::string messages_bytes(const std::string& body) {
  size_t start = body.find("\"messages\":[");
  if (start == std::string::npos) return "";
  start += 11;
  int depth = 0;
  bool in_string = false;
  for (size_t i = start; i < body.size(); ++i) {
    char c = body[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') ++depth;
    else if ((c == ']' || c == '}') && --depth == 0) return body.substr(start, i + 1 - start);
  }
  return "";
}

}  // namespace agent::testing
