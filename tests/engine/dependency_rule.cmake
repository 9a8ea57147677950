# Proves the engine's dependency rule (run by CTest as engine_dependency_rule):
#  1. every #include in engine/ names a C++ standard library header or a file inside engine/;
#  2. the engine's sources compile and link into a program with nothing but the compiler's defaults
#     (no -I for anything outside engine/, no libraries).
file(GLOB_RECURSE files "${ENGINE_DIR}/*.hpp" "${ENGINE_DIR}/*.cpp")
set(standard_headers
  algorithm any array atomic bit bitset cassert cctype cerrno cfloat charconv chrono cinttypes
  climits cmath compare concepts cstddef cstdint cstdio cstdlib cstring deque exception
  functional initializer_list iomanip ios iosfwd iostream iterator limits list map memory
  memory_resource new numeric optional ostream queue random ranges set span sstream stack
  stdexcept string string_view system_error tuple type_traits typeinfo unordered_map
  unordered_set utility variant vector)
set(failures "")
foreach(file ${files})
  file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include")
  foreach(line ${lines})
    if(line MATCHES "<([^>]+)>")
      list(FIND standard_headers "${CMAKE_MATCH_1}" found)
      if(found EQUAL -1)
        string(APPEND failures "  ${file}: <${CMAKE_MATCH_1}> is not a standard header\n")
      endif()
    elseif(line MATCHES "\"([^\"]+)\"")
      get_filename_component(dir "${file}" DIRECTORY)
      if(NOT EXISTS "${dir}/${CMAKE_MATCH_1}" AND NOT EXISTS "${ENGINE_DIR}/include/${CMAKE_MATCH_1}"
         AND NOT EXISTS "${ENGINE_DIR}/src/${CMAKE_MATCH_1}")
        string(APPEND failures "  ${file}: \"${CMAKE_MATCH_1}\" is not inside engine/\n")
      endif()
    endif()
  endforeach()
endforeach()
if(failures)
  message(FATAL_ERROR "engine/ reaches outside the standard library:\n${failures}")
endif()

file(GLOB sources "${ENGINE_DIR}/src/*.cpp")
file(MAKE_DIRECTORY "${WORK_DIR}")
file(WRITE "${WORK_DIR}/main.cpp" "#include \"flashtwin/engine/host_engine.hpp\"\n"
  "int main() { flashtwin::engine::EngineConfig c; c.capacity_blocks = 64;\n"
  "  flashtwin::engine::HostEngine e(c); return e.check_invariants().empty() ? 0 : 1; }\n")
execute_process(
  COMMAND "${CXX}" -std=c++20 -I "${ENGINE_DIR}/include" -I "${ENGINE_DIR}/src" ${sources}
          "${WORK_DIR}/main.cpp" -o "${WORK_DIR}/engine_alone"
  RESULT_VARIABLE built ERROR_VARIABLE errors)
if(NOT built EQUAL 0)
  message(FATAL_ERROR "the engine does not build on its own:\n${errors}")
endif()
execute_process(COMMAND "${WORK_DIR}/engine_alone" RESULT_VARIABLE ran)
if(NOT ran EQUAL 0)
  message(FATAL_ERROR "the engine built alone but did not run")
endif()
list(LENGTH files count)
message(STATUS "engine/: ${count} files include only the standard library; built and ran alone")
