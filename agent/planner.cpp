#include "agent/planner.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "agent/tool_output.h"
#include "common/deadline_cancel.h"
#include "common/logging.h"

namespace agent {

namespace {

constexpr const char* kCutAtOutputLimit = "the model's answer was cut at the output token limit";

// Below this many tokens left for the answer, the history no longer fits: context_full.
constexpr int64_t kMinOutputTokens = 4096;
// The same failing call this many times in a row stops the run as stuck.
constexpr int kStuckRepeats = 8;

std::shared_ptr<spdlog::logger> log() { return get_logger("agent"); }

RunOutcome outcome(RunStatus s, std::string reason) {
  RunOutcome o;
  o.status = s;
  o.stop_reason = std::move(reason);
  return o;
}

// The journal could not be written: the run cannot go on or be resumed reliably. Reported as
// an internal error (exit 4), whatever the file system said.
RunOutcome journal_failure(const Status& s) {
  RunOutcome o = outcome(RunStatus::kFailed, "could not write the journal: " + s.message());
  o.error = internal_error(o.stop_reason);
  return o;
}

std::string usd(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "$%.4f", v);
  return buf;
}

// Passes a turn's stream on to the live view and reports each retry to `on_retry` (which
// journals it), so that a run's failed attempts are on record.
class RetryReporter final : public StreamObserver {
 public:
  RetryReporter(StreamObserver* live, std::function<void(int, const Status&, double)> on_retry)
      : live_(live), on_retry_(std::move(on_retry)) {}
  void on_reasoning_delta(std::string_view d) override {
    if (live_) live_->on_reasoning_delta(d);
  }
  void on_text_delta(std::string_view d) override {
    if (live_) live_->on_text_delta(d);
  }
  void on_tool_call(const ToolCall& c) override {
    if (live_) live_->on_tool_call(c);
  }
  void on_retry(int attempt, const Status& why, double delay_s) override {
    on_retry_(attempt, why, delay_s);
    if (live_) live_->on_retry(attempt, why, delay_s);
  }

 private:
  StreamObserver* live_;
  std::function<void(int, const Status&, double)> on_retry_;
};

}  // namespace

Planner::Planner(RunState& state, ModelBackend& backend, const ToolRegistry& tools,
                 ToolContext& ctx, Journal& journal, EventObserver* observer,
                 StreamObserver* live, PlannerHooks hooks)
    : st_(state), backend_(backend), tools_(tools), ctx_(ctx), journal_(journal),
      observer_(observer), live_(live), hooks_(std::move(hooks)), session_start_(Clock::now()) {
  for (const auto& s : tools_.specs()) tool_schema_bytes_ += dump_json(to_json(s)).size();
  bytes_at_last_usage_ = st_.conversation.text_bytes();
  turn_ = st_.steps;
}

double Planner::now_t() const {
  return st_.elapsed_s + std::chrono::duration<double>(Clock::now() - session_start_).count();
}

Status Planner::emit(Event e) {
  e.data["t"] = now_t();
  Status s = journal_.append(e);
  if (observer_ != nullptr) observer_->on_event(e);
  return s;
}

std::optional<RunOutcome> Planner::check_budgets() const {
  const RunSettings& cfg = st_.settings;
  if (cfg.max_steps > 0 && st_.steps >= cfg.max_steps) {
    return outcome(RunStatus::kBudget, "step budget reached: " + std::to_string(st_.steps) +
                                           " of " + std::to_string(cfg.max_steps) + " model turns");
  }
  if (cfg.timeout_s > 0 && now_t() >= cfg.timeout_s) {
    return outcome(RunStatus::kBudget,
                   "time budget reached: " + std::to_string(static_cast<int64_t>(cfg.timeout_s)) + " s");
  }
  if (cfg.max_cost_usd > 0 && st_.cost_usd >= cfg.max_cost_usd) {
    return outcome(RunStatus::kBudget, "cost budget reached: $" + std::to_string(st_.cost_usd) +
                                           " of $" + std::to_string(cfg.max_cost_usd));
  }
  return std::nullopt;
}

std::optional<RunOutcome> Planner::check_cost_ahead(int64_t prompt_tokens) const {
  const double budget = st_.settings.max_cost_usd;
  if (budget <= 0 || !hooks_.next_request_cost) return std::nullopt;
  double next = hooks_.next_request_cost(prompt_tokens, st_.last_turn_usage, st_.settings.model);
  if (st_.cost_usd + next <= budget) return std::nullopt;
  return outcome(RunStatus::kBudget, "cost budget: the next request (about " + std::to_string(prompt_tokens) +
                                         " prompt tokens plus the output reserve) could cost " + usd(next) +
                                         ", more than the " + usd(budget - st_.cost_usd) + " left of " + usd(budget));
}

// The provider's count for the last request plus a conservative 3 bytes per token for what
// was appended since; before any count, 3 bytes per token for everything.
int64_t Planner::estimate_prompt_tokens() const {
  const Usage& u = st_.last_turn_usage;
  uint64_t bytes = st_.conversation.text_bytes();
  if (u.prompt_tokens > 0) {
    uint64_t added = bytes > bytes_at_last_usage_ ? bytes - bytes_at_last_usage_ : 0;
    return u.prompt_tokens + u.completion_tokens + static_cast<int64_t>(added / 3) + 1;
  }
  return static_cast<int64_t>((bytes + tool_schema_bytes_) / 3) + 1;
}

void Planner::normalise_calls(Message& m) {
  std::set<std::string> seen;
  for (const auto& msg : st_.conversation.messages()) {
    for (const auto& c : msg.tool_calls) seen.insert(c.id);
  }
  int k = 0;
  for (auto& c : m.tool_calls) {
    ++k;
    if (c.id.empty() || seen.count(c.id)) {
      std::string base = "call_" + std::to_string(turn_) + "_" + std::to_string(k);
      std::string id = base;
      for (int n = 2; seen.count(id); ++n) id = base + "_" + std::to_string(n);
      c.id = id;
    }
    seen.insert(c.id);
  }
}

Status Planner::record_result(const ToolCall& call, std::string content, bool is_error,
                              const Json& extra) {
  Json d = extra;
  d["turn"] = turn_;
  d["call_id"] = call.id;
  d["name"] = call.name;
  d["is_error"] = is_error;
  d["content"] = content;
  Status s = emit(Event(event_type::kToolFinished, std::move(d)));
  st_.started_calls.erase(call.id);
  st_.conversation.append(Message::tool(call.id, call.name, std::move(content), is_error));
  ++st_.tool_calls;
  return s;
}

std::optional<RunOutcome> Planner::run_call(const ToolCall& call, const CancelToken& cancel) {
  Tool* tool = tools_.find(call.name);
  if (tool == nullptr) {
    std::string names;
    for (const auto& n : tools_.names()) names += (names.empty() ? "" : ", ") + n;
    Status s = record_result(call, "unknown tool \"" + call.name + "\"; the tools are: " + names, true,
                             Json{{"rejected", "unknown_tool"}});
    if (!s.ok()) return journal_failure(s);
    return std::nullopt;
  }
  auto args = tools_.parse_arguments(*tool, call.arguments);
  if (!args.ok()) {
    Status s = record_result(call, "invalid call to " + call.name + ": " + args.status().message(),
                             true, Json{{"rejected", "bad_arguments"}});
    if (!s.ok()) return journal_failure(s);
    return std::nullopt;
  }
  if (hooks_.approve) {
    ApprovalDecision d = hooks_.approve(call, *args);
    if (!d.allowed) {
      Status s = record_result(call, "not allowed: " + d.reason, true, Json{{"rejected", "policy"}});
      if (!s.ok()) return journal_failure(s);
      return std::nullopt;
    }
  }
  Status s = emit(Event(event_type::kToolStarted, Json{{"turn", turn_},
                                                       {"call_id", call.id},
                                                       {"name", call.name},
                                                       {"arguments", call.arguments}}));
  if (!s.ok()) return journal_failure(s);
  st_.started_calls.insert(call.id);
  log()->debug("turn {} call {}: {}", turn_, call.id, call.name);

  auto t0 = Clock::now();
  ToolOutput out = tool->run(*args, ctx_);
  double duration = std::chrono::duration<double>(Clock::now() - t0).count();
  bool interrupted = cancel.cancelled();
  ModelView view = make_model_view(out, call.id, ctx_.run_dir,
                                   static_cast<size_t>(st_.settings.tool_output_max_bytes),
                                   static_cast<size_t>(st_.settings.tool_output_max_lines));

  // The same failing call with the same result, again and again, is a loop.
  std::string key = out.is_error ? call.name + '\0' + call.arguments + '\0' + view.content : "";
  failure_repeats_ = (!key.empty() && key == last_failure_key_) ? failure_repeats_ + 1 : (key.empty() ? 0 : 1);
  last_failure_key_ = key;
  std::string content = std::move(view.content);
  if (failure_repeats_ >= 2) {
    content += "\n[note: this exact call has now failed the same way " +
               std::to_string(failure_repeats_) +
               " times in a row; repeating it will not help: change the approach]\n";
    emit(Event(event_type::kWarning, Json{{"message", "repeated failing call " + call.name},
                                          {"call_id", call.id},
                                          {"repeats", failure_repeats_}}))
        .ignore();
  }
  Json extra{{"details", out.details}, {"duration_s", duration}, {"interrupted", interrupted}};
  if (!view.full_output_path.empty()) extra["full_output"] = view.full_output_path;
  s = record_result(call, std::move(content), out.is_error || interrupted, extra);
  if (!s.ok()) return journal_failure(s);
  if (interrupted) return outcome(RunStatus::kInterrupted, "interrupted by a signal");
  if (failure_repeats_ >= kStuckRepeats) {
    return outcome(RunStatus::kBudget, "stuck: the same failing call was repeated " +
                                           std::to_string(failure_repeats_) + " times");
  }
  return std::nullopt;
}

std::optional<RunOutcome> Planner::answer_pending_calls(const CancelToken& cancel) {
  const auto& msgs = st_.conversation.messages();
  // The last assistant message and the ids already answered after it.
  size_t last = msgs.size();
  for (size_t i = msgs.size(); i-- > 0;) {
    if (msgs[i].role == Role::kAssistant) {
      last = i;
      break;
    }
  }
  if (last == msgs.size()) return std::nullopt;
  std::set<std::string> answered;
  for (size_t i = last + 1; i < msgs.size(); ++i) {
    if (msgs[i].role == Role::kTool) answered.insert(msgs[i].tool_call_id);
  }
  std::vector<ToolCall> calls = msgs[last].tool_calls;  // copy: the conversation grows below
  for (const auto& call : calls) {
    if (answered.count(call.id)) continue;
    if (cancel.cancelled()) return outcome(RunStatus::kInterrupted, "interrupted by a signal");
    if (st_.started_calls.count(call.id)) {
      // Started but never finished: the run died during it. Never run it twice.
      Status s = record_result(call,
                               "[interrupted: the run stopped while this call was running; it was "
                               "not run again. Check its effects before repeating it.]",
                               true, Json{{"interrupted", true}, {"resumed", true}});
      if (!s.ok()) return journal_failure(s);
      continue;
    }
    if (auto stop = run_call(call, cancel)) return stop;
  }
  return std::nullopt;
}

RunOutcome Planner::run(const CancelToken& cancel) {
  ctx_.cancel = &cancel;
  if (st_.settings.timeout_s > 0) {
    double left = st_.settings.timeout_s - st_.elapsed_s;
    ctx_.deadline = session_start_ + std::chrono::milliseconds(static_cast<int64_t>(std::max(0.0, left) * 1000));
  }
  // A run that died right after the model's final answer is already finished; one whose last
  // answer was cut at the output limit stopped on that budget, as it did the first time.
  if (!st_.conversation.empty() && st_.conversation.back().role == Role::kAssistant &&
      st_.conversation.back().tool_calls.empty()) {
    if (st_.last_turn_stop == stop_reason_name(StopReason::kLength)) {
      return outcome(RunStatus::kBudget, kCutAtOutputLimit);
    }
    RunOutcome o = outcome(RunStatus::kFinished, "the model gave its final answer");
    o.final_message = st_.conversation.back().content;
    return o;
  }
  if (auto stop = answer_pending_calls(cancel)) return *stop;
  journal_.sync().ignore();

  for (;;) {
    if (cancel.cancelled()) return outcome(RunStatus::kInterrupted, "interrupted by a signal");
    if (auto stop = check_budgets()) {
      emit(Event(event_type::kBudget, Json{{"decision", "stop"}, {"reason", stop->stop_reason}})).ignore();
      return *stop;
    }
    int64_t prompt = estimate_prompt_tokens();
    int64_t room = st_.settings.context_tokens - prompt;
    if (room < std::min<int64_t>(kMinOutputTokens, st_.settings.max_output_tokens)) {
      std::string why = "the history (about " + std::to_string(prompt) +
                        " tokens) leaves no room in the " + std::to_string(st_.settings.context_tokens) +
                        "-token context";
      emit(Event(event_type::kBudget, Json{{"decision", "stop"}, {"reason", why}})).ignore();
      return outcome(RunStatus::kContextFull, why);
    }
    if (auto stop = check_cost_ahead(prompt)) {
      emit(Event(event_type::kBudget, Json{{"decision", "stop"}, {"reason", stop->stop_reason}})).ignore();
      return *stop;
    }

    ModelRequest req;
    req.conversation = &st_.conversation;
    req.tools = &tools_.specs();
    req.model = st_.settings.model;
    req.reasoning = st_.settings.reasoning;
    req.max_tokens = std::min(st_.settings.max_output_tokens, room);
    req.turn_index = st_.steps;
    RetryReporter stream(live_, [&](int attempt, const Status& why, double delay_s) {
      emit(Event(event_type::kWarning, Json{{"message", "model request failed, retrying: " + why.message()},
                                            {"turn", turn_ + 1},
                                            {"retry_attempt", attempt},
                                            {"delay_s", delay_s}}))
          .ignore();
    });
    // The time budget also bounds the request itself (a long answer, retries).
    DeadlineCancel request_cancel(cancel, ctx_.deadline);
    auto resp = backend_.complete(req, stream, request_cancel.token());
    if (!resp.ok()) {
      if (request_cancel.deadline_passed() && !cancel.cancelled()) {
        std::string why = "time budget reached during a model request: " +
                          std::to_string(static_cast<int64_t>(st_.settings.timeout_s)) + " s";
        emit(Event(event_type::kBudget, Json{{"decision", "stop"}, {"reason", why}})).ignore();
        return outcome(RunStatus::kBudget, why);
      }
      if (cancel.cancelled() || resp.status().code() == StatusCode::kCancelled) {
        return outcome(RunStatus::kInterrupted, "interrupted by a signal");
      }
      RunOutcome o = outcome(RunStatus::kFailed, "model backend failed: " + resp.status().message());
      o.error = resp.status();
      return o;
    }
    ++turn_;
    Message msg = std::move(resp->message);
    msg.role = Role::kAssistant;
    normalise_calls(msg);
    double cost = hooks_.cost ? hooks_.cost(resp->usage, st_.settings.model) : 0.0;
    ++st_.steps;
    st_.usage += resp->usage;
    st_.last_turn_usage = resp->usage;
    st_.cost_usd += cost;
    Status s = emit(Event(event_type::kModelTurn, Json{{"turn", turn_},
                                                       {"message", to_json(msg)},
                                                       {"usage", to_json(resp->usage)},
                                                       {"cost_usd", cost},
                                                       {"stop_reason", stop_reason_name(resp->stop_reason)},
                                                       {"model", resp->model},
                                                       {"retries", resp->retries}}));
    const bool has_calls = !msg.tool_calls.empty();
    std::string content = msg.content;
    StopReason stop = resp->stop_reason;
    st_.conversation.append(std::move(msg));
    bytes_at_last_usage_ = st_.conversation.text_bytes();
    if (!s.ok()) return journal_failure(s);
    journal_.sync().ignore();
    if (st_.settings.max_cost_usd > 0 && st_.cost_usd > st_.settings.max_cost_usd) {
      std::string why = "cost budget exceeded: $" + std::to_string(st_.cost_usd) + " of $" +
                        std::to_string(st_.settings.max_cost_usd);
      emit(Event(event_type::kBudget, Json{{"decision", "stop"}, {"reason", why}})).ignore();
      return outcome(RunStatus::kBudget, why);
    }
    if (!has_calls) {
      if (stop == StopReason::kLength) {
        return outcome(RunStatus::kBudget, kCutAtOutputLimit);
      }
      RunOutcome o = outcome(RunStatus::kFinished, "the model gave its final answer");
      o.final_message = content;
      return o;
    }
    if (auto stop_now = answer_pending_calls(cancel)) return *stop_now;
    journal_.sync().ignore();
  }
}

Status Planner::finish(const RunOutcome& o, const std::vector<std::string>& files_changed) {
  st_.finished_status = o.status;
  st_.stop_reason = o.stop_reason;
  st_.final_message = o.final_message;
  double wall = now_t();
  Status s = emit(Event(event_type::kRunFinished, Json{{"status", run_status_name(o.status)},
                                                       {"stop_reason", o.stop_reason},
                                                       {"final_message", o.final_message},
                                                       {"steps", st_.steps},
                                                       {"tool_calls", st_.tool_calls},
                                                       {"usage", to_json(st_.usage)},
                                                       {"cost_usd", st_.cost_usd},
                                                       {"wall_s", wall},
                                                       {"files_changed", files_changed}}));
  st_.elapsed_s = wall;
  Status synced = journal_.sync();
  return s.ok() ? synced : s;
}

}  // namespace agent
