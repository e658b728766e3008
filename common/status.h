// Status and Result<T>: the project's one way to report failure across public APIs.
//
// Owns: error codes and their meaning for callers. Knows nothing of any domain.
// Codes say what the caller should do (retry, fix the input, give up), not where it failed.
// Thread-safety: values; no shared state.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace agent {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the input is wrong; fix it, do not retry
  kNotFound,            // a named thing does not exist
  kAlreadyExists,       // refusing to overwrite something that exists
  kFailedPrecondition,  // the system is not in a state to do this
  kPermissionDenied,    // not allowed (policy, sandbox, credentials rejected)
  kUnauthenticated,     // credentials missing or rejected
  kUnavailable,         // transient: retry may succeed
  kDeadlineExceeded,    // a time limit ran out
  kCancelled,           // the caller (or a signal) asked to stop
  kResourceExhausted,   // a budget or quota is used up
  kDataLoss,            // stored data is corrupt or truncated
  kInternal,            // a bug in this program
};

std::string_view status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "CODE: message", for logs and terminal output.
  std::string to_string() const;

  // The same status with "context: " put in front of the message.
  Status with_context(std::string_view context) const;

  // Explicitly ignore a status (e.g. best-effort cleanup).
  void ignore() const {}

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status ok_status() { return Status(); }
inline Status invalid_argument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status not_found(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status already_exists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status failed_precondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status permission_denied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status deadline_exceeded(std::string m) { return {StatusCode::kDeadlineExceeded, std::move(m)}; }
inline Status cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
inline Status resource_exhausted(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status data_loss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status internal_error(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// A Status built from errno, naming what failed: "open /x: No such file or directory".
Status errno_status(int err, std::string_view what);

// Result<T>: a value or a non-OK Status (std::expected-like; g++ 12 has no std::expected).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace agent

#define AGENT_STATUS_CONCAT_INNER(a, b) a##b
#define AGENT_STATUS_CONCAT(a, b) AGENT_STATUS_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when `expr` is not OK.
#define AGENT_RETURN_IF_ERROR(expr)                    \
  do {                                                 \
    ::agent::Status agent_status_tmp_ = (expr);        \
    if (!agent_status_tmp_.ok()) return agent_status_tmp_; \
  } while (0)

// `AGENT_ASSIGN_OR_RETURN(auto x, make_x());` declares x from a Result or returns its Status.
#define AGENT_ASSIGN_OR_RETURN(lhs, expr) \
  AGENT_ASSIGN_OR_RETURN_IMPL(AGENT_STATUS_CONCAT(agent_result_, __LINE__), lhs, expr)
#define AGENT_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
