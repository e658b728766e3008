// Test support: a fake model provider speaking the OpenAI Chat Completions or the Anthropic
// Messages streaming format, in the shapes DeepSeek's servers send (see tests/data/api/ for
// recorded-shape fixtures), on a FakeHttpServer. Turn k of a run is answered with the k-th
// scripted turn, k counted from the assistant messages in the request (so a retried request
// gets the same turn), and any request can be given a fault.
// Thread-safety: configure before the agent starts; accessors from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/protocol.h"
#include "tests/support/fake_http_server.h"

namespace agent::testing {

struct FakeTurn {
  std::string reasoning, content;
  std::vector<ToolCall> calls;  // arguments as raw text
  Usage usage{1000, 800, 50, 20};
  std::string model = "deepseek-v4-pro";
  std::string finish;  // "" = stop or tool_calls as the turn implies
};

enum class Format { kOpenAI, kAnthropic };

// SSE events ("data: ...\n\n" texts, a keep-alive comment first) for one streamed answer;
// text is cut into `piece`-byte deltas.
std::vector<std::string> openai_events(const FakeTurn& t, size_t piece = 5);
std::vector<std::string> anthropic_events(const FakeTurn& t, size_t piece = 5);
FakeResponse sse_response(std::vector<std::string> events);

enum class Fault {
  kNone,
  k429,              // rate limited, no Retry-After
  k429RetryAfter,    // rate limited, Retry-After: 1
  k500,
  k503,
  k401,              // bad key (not retried)
  k402,              // balance used up (not retried)
  k400,
  kResetMidStream,   // TCP reset after a few events
  kCutBeforeDone,    // connection closed cleanly before the end marker
  kMalformedChunk,   // a chunk that is not JSON
  kSlowTrickle,      // events spaced wider than the client's idle timeout
  kStreamError,      // an error event inside a 200 stream (overloaded)
  kInsufficientResource,  // finish_reason insufficient_system_resource (OpenAI)
};

class FakeProvider {
 public:
  static std::unique_ptr<FakeProvider> start(Format format, std::vector<FakeTurn> turns,
                                             std::optional<SelfSignedCert> tls = std::nullopt);

  // The fault for the n-th request (0-based, over all requests).
  void inject(size_t request_index, Fault fault);
  // The key requests must carry ("" = any); a wrong one gets 401.
  void expect_key(std::string key);
  // Pause between events of kSlowTrickle answers.
  void set_trickle_gap(std::chrono::milliseconds gap) { trickle_gap_ = gap; }

  std::string base_url() const { return server_->url(); }
  std::vector<FakeRequest> requests() const { return server_->requests(); }
  int connections() const { return server_->connections(); }
  FakeHttpServer& server() { return *server_; }

 private:
  FakeResponse answer(const FakeRequest& req);
  FakeResponse with_fault(Fault f, std::vector<std::string> events);

  Format format_ = Format::kOpenAI;
  std::vector<FakeTurn> turns_;
  std::map<size_t, Fault> faults_;
  std::string key_;
  std::chrono::milliseconds trickle_gap_{400};
  std::mutex mu_;
  size_t count_ = 0;
  std::unique_ptr<FakeHttpServer> server_;
};

// The byte range of the "messages" array in a JSON request body, found by scanning (not
// re-serialising) so that tests compare exactly the bytes that were sent.
std::string messages_bytes(const std::string& body);

}  // namespace agent::testing
