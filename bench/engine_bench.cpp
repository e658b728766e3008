// engine_bench: our engine and llama.cpp (node-llama-cpp's prebuilt CPU libllama) on the same
// tiny DeepSeek V4 model (the same F32 GGUF file), the same prompt and the same thread count,
// side by side: prefill and decode tokens/s and peak memory, as ratios. Each engine runs in a
// child process of its own, so peak resident memory (wait4) is measured the same way for both.
// Also: the KV bytes per token our sequences allocate against deepseek-v4-model.md section 4.
//
//   engine_bench [--preset flash|pro] [--prompt N] [--decode N] [--threads N]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "common/fs.h"
#include "inference/engine/model/engine.h"
#include "inference/engine/testing/tiny_checkpoint.h"
#include "tests/engine/llama_peer.h"

using namespace agent;
using namespace agent::engine;

namespace {

struct Args {
  std::string preset = "flash";
  int64_t prompt = 512, decode = 64;
  int threads = int(std::max(1u, std::thread::hardware_concurrency()));
};

struct Timing {
  double prefill_s = 0, decode_s = 0;
  long peak_rss_kb = 0;
  bool ok = false;
};

// In a child process: opens the model, prefills the prompt in one call, decodes greedily.
Timing run_ours(const std::filesystem::path& weights, const std::vector<int32_t>& prompt, int threads, int64_t n_decode,
                Numerics numerics) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    Timing t;
    auto e = Engine::open(weights, EngineOptions{threads, numerics});
    if (e.ok()) {
      auto seq = (*e)->new_sequence(int64_t(prompt.size()) + n_decode + 1);
      auto t0 = std::chrono::steady_clock::now();
      auto logits = (*e)->forward(**seq, prompt, false);
      auto t1 = std::chrono::steady_clock::now();
      for (int64_t i = 0; i < n_decode && logits.ok(); ++i) {
        int32_t best = int32_t(std::max_element(logits->begin(), logits->end()) - logits->begin());
        logits = (*e)->forward(**seq, {best}, false);
      }
      auto t2 = std::chrono::steady_clock::now();
      t = {std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count(), 0,
           logits.ok()};
    } else {
      std::fprintf(stderr, "engine_bench: %s\n", e.status().to_string().c_str());
    }
    if (write(fds[1], &t, sizeof t) != ssize_t(sizeof t)) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  Timing t;
  if (read(fds[0], &t, sizeof t) != ssize_t(sizeof t)) t.ok = false;
  close(fds[0]);
  int st = 0;
  struct rusage ru {};
  wait4(pid, &st, 0, &ru);
  t.peak_rss_kb = ru.ru_maxrss;
  return t;
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--preset") a.preset = argv[i + 1];
    else if (k == "--prompt") a.prompt = std::atoll(argv[i + 1]);
    else if (k == "--decode") a.decode = std::atoll(argv[i + 1]);
    else if (k == "--threads") a.threads = std::atoi(argv[i + 1]);
  }
  return a;
}

void row(const char* name, const Timing& t, int64_t np, int64_t nd) {
  std::printf("%-34s %12.1f %12.1f %12.1f\n", name, double(np) / t.prefill_s, double(nd) / t.decode_s,
              double(t.peak_rss_kb) / 1024.0);
}

void print_kv(const std::filesystem::path& weights, int64_t ctx) {
  auto e = Engine::open(weights, EngineOptions{1, Numerics::kExact});
  if (!e.ok()) return;
  auto seq = (*e)->new_sequence(ctx);
  const ModelConfig& c = (*e)->config();
  double ours = double((*seq)->compressed_bytes()) / double(ctx);
  std::printf("\nKV cache (context %lld): compressed KV + indexer keys we allocate = %.1f bytes/token;\n"
              "section 4 formula at f32 (our storage) = %.1f bytes/token (ratio %.3f); at bf16 = %.1f.\n"
              "Fixed per sequence (window rings, compressor states): %.1f KiB.\n",
              (long long)ctx, ours, c.kv_bytes_per_token(4), ours / c.kv_bytes_per_token(4), c.kv_bytes_per_token(2),
              double((*seq)->state_bytes() - (*seq)->compressed_bytes()) / 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
  Args a = parse(argc, argv);
  auto dir = TempDir::create("engine-bench-");
  if (!dir.ok()) return 1;
  auto ck = testing::make_tiny_checkpoint(dir->path(), a.preset);
  if (!ck.ok()) {
    std::fprintf(stderr, "engine_bench: %s\n", ck.status().to_string().c_str());
    return 1;
  }
  const char* bin = std::getenv("AGENT_BINARY_DIR");
  auto peer = testing::LlamaPeer::prepare(std::filesystem::path(bin ? bin : "/tmp") / "llama-peer");
  if (!peer.ok()) {
    std::fprintf(stderr, "engine_bench: %s\n", peer.status().to_string().c_str());
    return 1;
  }
  auto prompt = testing::random_tokens(a.prompt, 1024, 99);
  std::printf("tiny %s model, prompt %lld tokens, %lld decoded tokens, %d threads, same F32 GGUF for both\n\n",
              a.preset.c_str(), (long long)a.prompt, (long long)a.decode, a.threads);
  auto theirs = peer->bench(ck->gguf, prompt, a.threads, int(a.decode));
  if (!theirs.ok()) {
    std::fprintf(stderr, "engine_bench: %s\n", theirs.status().to_string().c_str());
    return 1;
  }
  Timing ll{theirs->prefill_s, theirs->decode_s, theirs->peak_rss_kb, true};
  Timing ours = run_ours(ck->gguf, prompt, a.threads, a.decode, Numerics::kExact);
  Timing ours_st = run_ours(ck->folder, prompt, a.threads, a.decode, Numerics::kOfficial);
  if (!ours.ok || !ours_st.ok) return 1;
  std::printf("%-34s %12s %12s %12s\n", "", "prefill t/s", "decode t/s", "peak MiB");
  row("llama.cpp (F32 GGUF)", ll, a.prompt, a.decode);
  row("ours, exact (F32 GGUF)", ours, a.prompt, a.decode);
  row("ours, official (FP8/FP4 safetensors)", ours_st, a.prompt, a.decode);
  std::printf("\nratio ours/llama.cpp (same file, exact): prefill %.2fx, decode %.2fx, peak memory %.2fx\n",
              ll.prefill_s / ours.prefill_s, ll.decode_s / ours.decode_s,
              double(ours.peak_rss_kb) / double(ll.peak_rss_kb));
  print_kv(ck->folder, 65536);
  return 0;
}
