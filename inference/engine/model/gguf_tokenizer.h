// The tokenizer of a GGUF file: rebuilds the Hugging Face tokenizer.json that llama.cpp's
// converter read, from the tokenizer.ggml.* metadata (a "gpt2" byte-level BPE with the
// DeepSeek-V3 pre-tokenizer: tokens, token types, merges), so a GGUF file alone is enough for
// text prompts. Normal tokens form the BPE vocabulary; control and user-defined tokens become
// added tokens (control ones special), as the converter split them.
// Thread-safety: pure function.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "common/status.h"
#include "inference/engine/tokenizer/tokenizer.h"
#include "inference/engine/weights/gguf.h"

namespace agent::engine {

// NotFound when the file has no tokenizer (tokenizer.ggml.model absent or "none");
// InvalidArgument for a tokenizer of another kind.
Result<std::string> tokenizer_json_from_gguf(const GgufFile& g);

// The tokenizer of a checkpoint: tokenizer.json in a checkpoint folder; for a GGUF file, a
// tokenizer.json beside it, else the one in its metadata. Empty when there is none.
Result<std::optional<Tokenizer>> load_checkpoint_tokenizer(const std::filesystem::path& weights);

}  // namespace agent::engine
