// Private to tasks/pr/: the three forge implementations and the helpers they share for
// reading the forges' JSON answers (an answer missing a field it must have is an error that
// names the field, never a crash or a default).
#pragma once

#include <memory>
#include <string>

#include "tasks/pr/forge.h"
#include "tasks/pr/forge_http.h"

namespace agent::pr {

std::unique_ptr<Forge> make_github_forge(std::unique_ptr<ForgeHttp> http, std::string slug);
std::unique_ptr<Forge> make_gitea_forge(std::unique_ptr<ForgeHttp> http, std::string slug);
std::unique_ptr<Forge> make_gitlab_forge(std::unique_ptr<ForgeHttp> http, std::string slug);

// A field of a forge answer, checked: DataLoss naming `what` and the field when it is missing
// or of another type.
Result<int64_t> answer_int(const Json& obj, const char* key, const std::string& what);
Result<std::string> answer_string(const Json& obj, const char* key, const std::string& what);

}  // namespace agent::pr
