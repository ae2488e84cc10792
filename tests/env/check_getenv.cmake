# Fails when a file under lib/ or cmd/ reads the process environment (getenv, secure_getenv,
# environ) outside lib/config: settings are resolved there (config/settings.hpp) and handed
# down as plain values. Setting variables (setenv, in lib/cli and cmd/) is not reading them.
#
# k_pending: files not yet moved to lib/config (lib/vulndb is wired by the lead after merging:
# vulndb::default_db_dir -> config::db_dir, store.cpp's SOURCE_DATE_EPOCH ->
# config::source_date_epoch, which also retires util::user_cache_home). A pending file that no
# longer reads the environment fails the test too, so that the list only shrinks.
cmake_policy(VERSION 3.20)
set(k_pending lib/util/file.cpp lib/vulndb/database.cpp lib/vulndb/store.cpp)
set(k_pattern "(^|[^A-Za-z0-9])(secure_)?getenv[ \t]*\\(|(^|[^A-Za-z0-9])_*environ([^A-Za-z0-9_]|$)")

file(GLOB_RECURSE files ${SOURCE_DIR}/lib/*.hpp ${SOURCE_DIR}/lib/*.cpp ${SOURCE_DIR}/lib/*.h
     ${SOURCE_DIR}/lib/*.c ${SOURCE_DIR}/cmd/*.hpp ${SOURCE_DIR}/cmd/*.cpp)
set(offenders "")
set(readers "")
foreach(f IN LISTS files)
  file(RELATIVE_PATH rel ${SOURCE_DIR} ${f})
  if(rel MATCHES "^lib/config/")
    continue()
  endif()
  file(STRINGS ${f} lines REGEX "${k_pattern}")
  if(NOT lines)
    continue()
  endif()
  list(APPEND readers ${rel})
  list(FIND k_pending ${rel} pending)
  if(pending EQUAL -1)
    list(GET lines 0 first)
    string(STRIP "${first}" first)
    string(REPLACE ";" "," first "${first}")
    list(APPEND offenders "${rel}: ${first}")
  endif()
endforeach()
foreach(p IN LISTS k_pending)
  list(FIND readers ${p} found)
  if(found EQUAL -1)
    list(APPEND offenders "${p}: no longer reads the environment: remove it from k_pending")
  endif()
endforeach()
if(offenders)
  list(JOIN offenders "\n  " msg)
  message(FATAL_ERROR "the environment is read outside lib/config (use config::Environment):\n"
                      "  ${msg}")
endif()
message(STATUS "environment reads: only in lib/config")
