# Fails when a file under lib/ or cmd/ reads the process environment (getenv, secure_getenv,
# environ) outside lib/config: settings are resolved there (config/settings.hpp) and handed
# down as plain values. Setting variables (setenv, in lib/cli and cmd/) is not reading them.
# SOURCE_DIR may point at another tree (tests/CMakeLists.txt runs it once on a planted offender).
cmake_policy(VERSION 3.20)
set(k_pattern "(^|[^A-Za-z0-9])(secure_)?getenv[ \t]*\\(|(^|[^A-Za-z0-9])_*environ([^A-Za-z0-9_]|$)")

file(GLOB_RECURSE files ${SOURCE_DIR}/lib/*.hpp ${SOURCE_DIR}/lib/*.cpp ${SOURCE_DIR}/lib/*.h
     ${SOURCE_DIR}/lib/*.c ${SOURCE_DIR}/cmd/*.hpp ${SOURCE_DIR}/cmd/*.cpp)
set(offenders "")
foreach(f IN LISTS files)
  file(RELATIVE_PATH rel ${SOURCE_DIR} ${f})
  if(rel MATCHES "^lib/config/")
    continue()
  endif()
  file(STRINGS ${f} lines REGEX "${k_pattern}")
  if(NOT lines)
    continue()
  endif()
  list(GET lines 0 first)
  string(STRIP "${first}" first)
  string(REPLACE ";" "," first "${first}")
  list(APPEND offenders "${rel}: ${first}")
endforeach()
if(offenders)
  list(JOIN offenders "\n  " msg)
  message(FATAL_ERROR "the environment is read outside lib/config (use config::Environment):\n"
                      "  ${msg}")
endif()
message(STATUS "environment reads: only in lib/config")
