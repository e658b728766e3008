# agent_add_test(NAME name SOURCES a.cpp ... LIBS lib ... [LABELS l ...])
# One GoogleTest executable registered with ctest; tests run from the build tree with
# AGENT_SOURCE_DIR and AGENT_BINARY_DIR in their environment.
function(agent_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main agent_warnings)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  # Tests find the source and build trees through the environment. ctest's ENVIRONMENT
  # property loses all but the first entry on its way through gtest_discover_tests, so the
  # variables are set by running each test under env(1).
  set_target_properties(${T_NAME} PROPERTIES CROSSCOMPILING_EMULATOR
    "/usr/bin/env;AGENT_SOURCE_DIR=${PROJECT_SOURCE_DIR};AGENT_BINARY_DIR=${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${T_NAME}
    DISCOVERY_TIMEOUT 60
    PROPERTIES
      LABELS "${T_LABELS}"
      TIMEOUT ${T_TIMEOUT})
endfunction()
