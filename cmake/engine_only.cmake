# -DAGENT_ENGINE_ONLY=ON: only common/ and inference/engine/ (with the CUDA backend, its
# tests and the GPU benchmark), for a GPU machine that has CUDA and CMake but not the
# project's Debian packages. It needs what common/ links and nothing else: nlohmann-json
# (headers), spdlog and fmt (headers are enough), re2, GoogleTest, threads. None is vendored:
# configure fails naming the missing one, and scripts/gpu-check.sh reports that.
#
# -DAGENT_PORTABLE=ON (with AGENT_ENGINE_ONLY): binaries that run on a machine without those
# libraries: spdlog and fmt header-only, re2 and GoogleTest static, libstdc++ and libgcc
# static, the CUDA runtime static (cuBLASLt is loaded at run time). This is how
# scripts/gpu-check.sh --build-dist builds the bundle it ships to a GPU machine.
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(GTest REQUIRED)
find_package(PkgConfig REQUIRED)
if(NOT AGENT_PORTABLE)
  find_package(spdlog REQUIRED)
  find_package(fmt REQUIRED)
  pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
  return()
endif()

# The targets common/ links, re-made from headers and static archives.
find_path(AGENT_SPDLOG_INCLUDE spdlog/spdlog.h REQUIRED)
find_path(AGENT_FMT_INCLUDE fmt/core.h REQUIRED)
find_path(AGENT_RE2_INCLUDE re2/re2.h REQUIRED)
find_library(AGENT_RE2_STATIC NAMES libre2.a REQUIRED)
add_library(fmt::fmt INTERFACE IMPORTED)
set_target_properties(fmt::fmt PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${AGENT_FMT_INCLUDE}"
  INTERFACE_COMPILE_DEFINITIONS "FMT_HEADER_ONLY=1")
add_library(spdlog::spdlog INTERFACE IMPORTED)
set_target_properties(spdlog::spdlog PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${AGENT_SPDLOG_INCLUDE}"
  INTERFACE_COMPILE_DEFINITIONS "SPDLOG_FMT_EXTERNAL"
  INTERFACE_LINK_LIBRARIES "fmt::fmt;Threads::Threads")
add_library(PkgConfig::RE2 STATIC IMPORTED)
set_target_properties(PkgConfig::RE2 PROPERTIES
  IMPORTED_LOCATION "${AGENT_RE2_STATIC}"
  INTERFACE_INCLUDE_DIRECTORIES "${AGENT_RE2_INCLUDE}"
  INTERFACE_LINK_LIBRARIES "Threads::Threads")
add_link_options(-static-libstdc++ -static-libgcc)
