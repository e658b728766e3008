#include "inference/engine/model/generate.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace agent::engine {

std::vector<float> log_softmax(const float* logits, int64_t vocab) {
  const float m = *std::max_element(logits, logits + vocab);
  double s = 0;
  for (int64_t i = 0; i < vocab; ++i) s += std::exp(double(logits[i] - m));
  const float lse = float(std::log(s));
  std::vector<float> out(static_cast<size_t>(vocab));
  for (int64_t i = 0; i < vocab; ++i) out[size_t(i)] = logits[i] - m - lse;
  return out;
}

Sampler::Sampler(uint64_t seed) : state_(seed) {}

double Sampler::uniform() {
  // splitmix64: tiny, fully specified, so a seed gives the same tokens everywhere.
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return double(z >> 11) * 0x1.0p-53;
}

int32_t Sampler::sample(const float* logits, int64_t vocab, double temperature, double top_p) {
  if (temperature <= 0) return int32_t(std::max_element(logits, logits + vocab) - logits);
  const float m = *std::max_element(logits, logits + vocab);
  std::vector<std::pair<double, int32_t>> p(static_cast<size_t>(vocab));
  double total = 0;
  for (int64_t i = 0; i < vocab; ++i) {
    p[size_t(i)] = {std::exp(double(logits[i] - m) / temperature), int32_t(i)};
    total += p[size_t(i)].first;
  }
  std::sort(p.begin(), p.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  // Smallest prefix whose mass reaches top_p (at least one token).
  double kept = 0;
  size_t n = 0;
  while (n < p.size() && (n == 0 || kept < top_p * total)) kept += p[n++].first;
  double u = uniform() * kept;
  for (size_t i = 0; i < n; ++i) {
    if ((u -= p[i].first) < 0) return p[i].second;
  }
  return p[n - 1].second;
}

namespace {

GeneratedToken describe(const std::vector<float>& logits, int32_t id, int top_k, const std::vector<int32_t>& stops) {
  const int64_t V = int64_t(logits.size());
  std::vector<float> lp = log_softmax(logits.data(), V);
  GeneratedToken g;
  g.id = id;
  g.logprob = lp[size_t(id)];
  g.stop = std::find(stops.begin(), stops.end(), id) != stops.end();
  const int64_t k = std::min<int64_t>(top_k, V);
  std::vector<int32_t> order(static_cast<size_t>(V));
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int32_t a, int32_t b) {
    return lp[size_t(a)] > lp[size_t(b)] || (lp[size_t(a)] == lp[size_t(b)] && a < b);
  });
  for (int64_t i = 0; i < k; ++i) g.top.push_back({order[size_t(i)], lp[size_t(order[size_t(i)])]});
  return g;
}

}  // namespace

Status generate(Engine& engine, Sequence& seq, const std::vector<int32_t>& prompt, const SamplingOptions& opt,
                const std::function<Status(const GeneratedToken&)>& on_token) {
  if (prompt.empty()) return invalid_argument("the prompt is empty");
  if (opt.max_tokens <= 0) return ok_status();
  std::vector<float> logits;
  const int64_t chunk = std::max<int64_t>(1, opt.prefill_chunk);
  for (size_t at = 0; at < prompt.size(); at += size_t(chunk)) {
    std::vector<int32_t> part(prompt.begin() + at, prompt.begin() + std::min(prompt.size(), at + size_t(chunk)));
    AGENT_ASSIGN_OR_RETURN(logits, engine.forward(seq, part, false));
  }
  Sampler sampler(opt.seed);
  const int64_t V = engine.config().vocab_size;
  for (int64_t i = 0; i < opt.max_tokens; ++i) {
    const int32_t id = sampler.sample(logits.data(), V, opt.temperature, opt.top_p);
    GeneratedToken g = describe(logits, id, opt.top_logprobs, opt.stop_tokens);
    AGENT_RETURN_IF_ERROR(on_token(g));
    if (g.stop || i + 1 == opt.max_tokens) break;
    AGENT_ASSIGN_OR_RETURN(logits, engine.forward(seq, {id}, false));
  }
  return ok_status();
}

}  // namespace agent::engine
