#include "common/ids.h"

#include <cstdio>
#include <random>

namespace agent {

std::string new_id(std::string_view prefix) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  std::string id(prefix);
  id += buf;
  return id;
}

}  // namespace agent
