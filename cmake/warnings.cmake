# Warning flags shared by every target of the project (not by third-party code).
add_library(agent_warnings INTERFACE)
target_compile_options(agent_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor
    -Wcast-align -Wunused -Woverloaded-virtual -Wimplicit-fallthrough>)
if(AGENT_WERROR)
  target_compile_options(agent_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
endif()
