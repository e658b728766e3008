// ScriptedBackend: a model replaced by a JSONL script, one model turn per line (tests, demos).
//
// Line shape (product.md): {"reasoning"?, "content"?, "tool_calls"?: [{"id"?, "name",
// "arguments": object | raw string}], "usage"?: {...}}. The whole script is validated when
// loaded; a bad line is an InvalidArgument naming the file and line. The k-th turn of a run
// (request.turn_index) gets the k-th line whatever the request says; a missing call id is
// generated deterministically ("call_<line>_<n>"). Running past the end fails with
// FailedPrecondition.
// Thread-safety: immutable after load; complete() may be called from any one thread at a time.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "inference/model_backend.h"

namespace agent {

struct ScriptTurn {
  std::string reasoning;
  std::string content;
  std::vector<ToolCall> tool_calls;
  Usage usage;
};

class ScriptedBackend final : public ModelBackend {
 public:
  static Result<ScriptedBackend> load(const std::filesystem::path& script);
  static Result<ScriptedBackend> parse(std::string_view text, std::string_view source_name);

  std::string_view name() const override { return "scripted"; }
  Result<ModelResponse> complete(const ModelRequest& request, StreamObserver& observer,
                                 const CancelToken& cancel) override;

  const std::vector<ScriptTurn>& turns() const { return turns_; }

 private:
  std::string source_;
  std::vector<ScriptTurn> turns_;
};

}  // namespace agent
