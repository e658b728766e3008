// The forward pass as a sequence of kernel calls (internal to model/). One Forward object
// runs one engine.forward() call: n new tokens at positions pos0 .. pos0+n-1 of one sequence.
// Shapes in comments: n = new tokens, d = dim, hc = hyper-connection streams, H = heads,
// D = head_dim, W = window, m = compress ratio, I = moe_inter_dim.
#pragma once

#include <cstdint>
#include <vector>

#include "inference/engine/model/engine.h"

namespace agent::engine {

struct Forward {
  Ops& ops;
  const ModelConfig& c;
  const ModelWeights& w;
  Sequence& seq;
  bool official;
  int64_t n, pos0;

  // Scratch, sized for n rows.
  DeviceArray<int32_t> ids;           // [n]
  DeviceArray<float> X, X2;           // [n, hc, d] residual streams
  DeviceArray<float> y, xn;           // [n, d] mixed input, its RMSNorm
  DeviceArray<float> post, comb;      // [n, hc], [n, hc, hc]
  DeviceArray<float> out;             // [n, d] sub-block output

  Forward(Ops& o, const ModelConfig& cfg, const ModelWeights& wt, Sequence& s, bool off, int64_t n_new);
  // Runs every layer; leaves the streams in X.
  void run(const std::vector<int32_t>& tokens);
  // logits [rows, vocab] for the last `rows` new positions.
  std::vector<float> logits(int64_t rows);

  // Options of an FP8/FP4 linear of the release, and of a bf16 one.
  MatmulOptions quantized() const { return {official, official}; }
  MatmulOptions bf16_linear() const { return {false, official}; }

  void attention(int64_t layer);  // xn -> out
  void moe(int64_t layer);        // xn -> out
};

}  // namespace agent::engine
