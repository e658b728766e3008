#include "inference/engine/tokenizer/unicode_classes.h"

#include <memory>

namespace agent::engine {

namespace {

struct ClassRow {
  uint32_t first;
  uint8_t bits;
};

constexpr ClassRow kRows[] = {
#include "inference/engine/tokenizer/unicode_classes.inc"
};

std::unique_ptr<uint8_t[]> build_table() {
  constexpr uint32_t kSize = 0x110000;
  auto table = std::make_unique<uint8_t[]>(kSize);
  constexpr size_t kCount = sizeof(kRows) / sizeof(kRows[0]);
  for (size_t i = 0; i < kCount; ++i) {
    uint32_t end = i + 1 < kCount ? kRows[i + 1].first : kSize;
    for (uint32_t cp = kRows[i].first; cp < end; ++cp) table[cp] = kRows[i].bits;
  }
  return table;
}

}  // namespace

const uint8_t* unicode_class_table() {
  static const std::unique_ptr<uint8_t[]> table = build_table();
  return table.get();
}

}  // namespace agent::engine
