// Internal to the tokenizer corpus: the fixed samples by kind.
#pragma once

#include <string>
#include <vector>

namespace agent::engine::testing {

const std::vector<std::string>& code_samples();
const std::vector<std::string>& prose_samples();
const std::vector<std::string>& number_samples();
const std::vector<std::string>& whitespace_samples();
const std::vector<std::string>& token_string_samples();

}  // namespace agent::engine::testing
