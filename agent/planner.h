// Planner: the turn loop. The only place that combines a model, tools and policy decisions.
//
// Each turn: check budgets and the context window, ask the backend for one assistant turn,
// journal it, then run its tool calls in order (malformed or refused calls are answered with
// tool errors the model can correct), journal each result, and loop until the model answers
// without tool calls or something stops the run. Every event goes to the journal first
// (flushed; fsync at turn boundaries) and then to an optional observer (--json, live view).
// On resume, calls of the last turn that were never started are run, and calls that were
// started but not finished are answered "interrupted" instead of being run again.
// Thread-safety: run() on one thread; the cancel token may fire from any thread or a signal.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "agent/journal.h"
#include "agent/run_state.h"
#include "inference/model_backend.h"
#include "tools/tool_registry.h"

namespace agent {

class EventObserver {
 public:
  virtual ~EventObserver() = default;
  virtual void on_event(const Event& e) = 0;
};

struct ApprovalDecision {
  bool allowed = true;
  std::string reason;  // told to the model when refused
};

struct PlannerHooks {
  // USD cost of one model turn; unset = 0 (no price known).
  std::function<double(const Usage&, const std::string& model)> cost;
  // The most USD the next request may cost: its prompt (about `prompt_tokens`, of which the
  // last turn's cached prefix is likely served from cache) plus an output reserve. With a cost
  // budget, a request that could pass it is not sent. Unset = not checked.
  std::function<double(int64_t prompt_tokens, const Usage& last_turn, const std::string& model)> next_request_cost;
  // Whether a (well-formed) call may run; unset = allowed.
  std::function<ApprovalDecision(const ToolCall&, const Json& args)> approve;
};

struct RunOutcome {
  RunStatus status = RunStatus::kFailed;
  std::string stop_reason;
  std::string final_message;
  Status error;  // the backend's or journal's failure, for kFailed
};

class Planner {
 public:
  Planner(RunState& state, ModelBackend& backend, const ToolRegistry& tools, ToolContext& ctx,
          Journal& journal, EventObserver* observer, StreamObserver* live, PlannerHooks hooks);

  RunOutcome run(const CancelToken& cancel);

  // Journals a run_finished event for `outcome` with the final counters.
  Status finish(const RunOutcome& outcome, const std::vector<std::string>& files_changed);

 private:
  using Clock = std::chrono::steady_clock;

  double now_t() const;
  Status emit(Event e);
  std::optional<RunOutcome> check_budgets() const;
  std::optional<RunOutcome> check_cost_ahead(int64_t prompt_tokens) const;
  int64_t estimate_prompt_tokens() const;
  // Answers every call of the last assistant turn that has no result yet.
  std::optional<RunOutcome> answer_pending_calls(const CancelToken& cancel);
  std::optional<RunOutcome> run_call(const ToolCall& call, const CancelToken& cancel);
  Status record_result(const ToolCall& call, std::string content, bool is_error,
                       const Json& extra);
  void normalise_calls(Message& m);

  RunState& st_;
  ModelBackend& backend_;
  const ToolRegistry& tools_;
  ToolContext& ctx_;
  Journal& journal_;
  EventObserver* observer_;
  StreamObserver* live_;
  PlannerHooks hooks_;
  Clock::time_point session_start_;
  uint64_t tool_schema_bytes_ = 0;
  uint64_t bytes_at_last_usage_ = 0;
  std::string last_failure_key_;
  int failure_repeats_ = 0;
  int64_t turn_ = 0;  // the current model turn, 1-based
};

}  // namespace agent
