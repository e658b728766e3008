#include "inference/api/wire_format.h"

namespace agent::api {

std::string_view server_kind_name(ServerKind k) {
  switch (k) {
    case ServerKind::kDeepSeek: return "deepseek";
    case ServerKind::kVllm: return "vllm";
    case ServerKind::kSglang: return "sglang";
    case ServerKind::kLlamaCpp: return "llamacpp";
    case ServerKind::kGeneric: return "generic";
  }
  return "generic";
}

Result<ServerKind> parse_server_kind(std::string_view s) {
  for (ServerKind k : {ServerKind::kDeepSeek, ServerKind::kVllm, ServerKind::kSglang, ServerKind::kLlamaCpp,
                       ServerKind::kGeneric}) {
    if (s == server_kind_name(k)) return k;
  }
  return invalid_argument("server kind must be deepseek, vllm, sglang, llamacpp or generic, got \"" +
                          std::string(s) + "\"");
}

}  // namespace agent::api
