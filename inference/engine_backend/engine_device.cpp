#include "inference/engine_backend/engine_device.h"

#include <charconv>

#ifdef AGENT_HAVE_CUDA
#include "inference/engine/cuda/cuda_engine.h"
#endif

namespace agent {

std::string EngineDevice::to_string() const { return cuda ? "cuda:" + std::to_string(index) : "cpu"; }

Result<EngineDevice> parse_engine_device(std::string_view text) {
  EngineDevice d;
  if (text == "cpu") return d;
  d.cuda = true;
  if (text == "cuda") return d;
  constexpr std::string_view kCuda = "cuda:";
  if (text.substr(0, kCuda.size()) == kCuda) {
    std::string_view n = text.substr(kCuda.size());
    auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), d.index);
    if (!n.empty() && ec == std::errc() && end == n.data() + n.size() && d.index >= 0) return d;
  }
  return invalid_argument("--device must be cpu, cuda or cuda:N, got \"" + std::string(text) + "\"");
}

bool engine_cuda_built() {
#ifdef AGENT_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

Result<std::unique_ptr<engine::Engine>> open_engine_on(const std::filesystem::path& weights,
                                                       const EngineDevice& device,
                                                       const engine::EngineOptions& options,
                                                       int64_t context_tokens) {
  if (!device.cuda) return engine::Engine::open(weights, options);
#ifdef AGENT_HAVE_CUDA
  engine::cuda::CudaOptions o;
  o.device = device.index;
  o.kv_tokens = context_tokens;
  return engine::cuda::open_cuda_engine(weights, o, options.numerics);
#else
  (void)context_tokens;
  return unavailable("--device " + device.to_string() +
                     ": this build of agent has no CUDA backend (nvcc was not found when it was "
                     "configured; rebuild with -DAGENT_CUDA=ON and the CUDA toolkit in /usr/local/cuda)");
#endif
}

}  // namespace agent
