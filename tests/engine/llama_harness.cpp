// llama_harness: runs llama.cpp (the prebuilt CPU libllama of node-llama-cpp) on a GGUF file.
// Not built by CMake: llama_peer.cpp compiles it at test or bench time against llama.h from
// the source bundle of the same release, and links it to the prebuilt libraries.
//
//   llama_harness logits MODEL TOKENS.bin OUT.bin THREADS UBATCH
//       logits of every position of the prompt (int32 ids), float32 [n, vocab] to OUT.bin
//   llama_harness bench MODEL TOKENS.bin THREADS N_DECODE
//       prefills the prompt in one batch, then decodes N_DECODE tokens greedily; prints
//       "prefill_s <s> decode_s <s> n_prompt <n> n_decode <n>"
// Exact settings (deepseek-v4-model.md section 11): F32 K/V cache, flash attention off.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ggml-backend.h"
#include "llama.h"

namespace {

std::vector<llama_token> read_tokens(const char* path) {
  std::vector<llama_token> t;
  FILE* f = std::fopen(path, "rb");
  if (!f) return t;
  int32_t v;
  while (std::fread(&v, 4, 1, f) == 1) t.push_back(v);
  std::fclose(f);
  return t;
}

void quiet(enum ggml_log_level level, const char* text, void*) {
  if (level >= GGML_LOG_LEVEL_ERROR) std::fputs(text, stderr);
}

struct Runner {
  llama_model* model = nullptr;
  llama_context* ctx = nullptr;
  int n_vocab = 0;
  bool open(const char* path, int n_ctx, int threads, int ubatch) {
    llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = 0;
    model = llama_model_load_from_file(path, mp);
    if (!model) return false;
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = uint32_t(n_ctx);
    cp.n_batch = uint32_t(n_ctx);
    cp.n_ubatch = uint32_t(ubatch);
    cp.n_seq_max = 1;
    cp.n_threads = threads;
    cp.n_threads_batch = threads;
    cp.type_k = GGML_TYPE_F32;
    cp.type_v = GGML_TYPE_F32;
    cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    ctx = llama_init_from_model(model, cp);
    n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
    return ctx != nullptr;
  }
  bool decode(const std::vector<llama_token>& toks, int pos0, bool all_logits) {
    llama_batch b = llama_batch_init(int32_t(toks.size()), 0, 1);
    for (size_t i = 0; i < toks.size(); ++i) {
      b.token[i] = toks[i];
      b.pos[i] = pos0 + int32_t(i);
      b.n_seq_id[i] = 1;
      b.seq_id[i][0] = 0;
      b.logits[i] = all_logits || i + 1 == toks.size();
    }
    b.n_tokens = int32_t(toks.size());
    int rc = llama_decode(ctx, b);
    llama_batch_free(b);
    return rc == 0;
  }
  ~Runner() {
    if (ctx) llama_free(ctx);
    if (model) llama_model_free(model);
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: llama_harness logits|bench MODEL TOKENS ...\n");
    return 2;
  }
  llama_log_set(quiet, nullptr);
  if (const char* dir = std::getenv("LLAMA_BACKEND_DIR")) ggml_backend_load_all_from_path(dir);
  llama_backend_init();
  std::string mode = argv[1];
  std::vector<llama_token> toks = read_tokens(argv[3]);
  if (toks.empty()) return 3;
  Runner r;
  if (mode == "logits") {
    const int threads = std::atoi(argv[5]), ubatch = argc > 6 ? std::atoi(argv[6]) : int(toks.size());
    if (!r.open(argv[2], int(toks.size()) + 16, threads, ubatch)) return 4;
    if (!r.decode(toks, 0, true)) return 5;
    FILE* out = std::fopen(argv[4], "wb");
    if (!out) return 6;
    for (size_t i = 0; i < toks.size(); ++i) {
      std::fwrite(llama_get_logits_ith(r.ctx, int32_t(i)), sizeof(float), size_t(r.n_vocab), out);
    }
    std::fclose(out);
  } else {
    const int threads = std::atoi(argv[4]), n_decode = std::atoi(argv[5]);
    if (!r.open(argv[2], int(toks.size()) + n_decode + 16, threads, int(toks.size()))) return 4;
    auto t0 = std::chrono::steady_clock::now();
    if (!r.decode(toks, 0, false)) return 5;
    auto t1 = std::chrono::steady_clock::now();
    for (int i = 0; i < n_decode; ++i) {
      const float* lg = llama_get_logits_ith(r.ctx, -1);
      llama_token best = 0;
      for (int v = 1; v < r.n_vocab; ++v) if (lg[v] > lg[best]) best = v;
      if (!r.decode({best}, int(toks.size()) + i, false)) return 5;
    }
    auto t2 = std::chrono::steady_clock::now();
    std::printf("prefill_s %.6f decode_s %.6f n_prompt %zu n_decode %d\n",
                std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count(),
                toks.size(), n_decode);
  }
  llama_backend_free();
  return 0;
}
