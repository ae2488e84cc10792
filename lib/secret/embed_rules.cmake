# Compiles lib/secret/rules.yaml into the binary: a generated builtin_rules_yaml.cpp defines
# strata::secret::builtin_rules_yaml() as a raw string literal holding the file byte for byte.
#
# Two modes in one file:
#  - include()d by the top-level CMakeLists.txt (after strata_secret exists): adds the custom
#    command that (re)generates the .cpp whenever rules.yaml or this file changes, and adds the
#    .cpp to strata_secret;
#  - run as a script (cmake -DINPUT=... -DOUTPUT=... -P embed_rules.cmake): does the generating.
if(CMAKE_SCRIPT_MODE_FILE)
  file(READ ${INPUT} text)
  set(delim "strata_rules")
  string(FIND "${text}" ")${delim}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )${delim}\"")
  endif()
  set(code "// Generated from lib/secret/rules.yaml by lib/secret/embed_rules.cmake: do not edit.\n")
  string(APPEND code "#include \"secret/builtin_rules.hpp\"\n\n")
  string(APPEND code "namespace strata::secret {\n\n")
  string(APPEND code "std::string_view builtin_rules_yaml() {\n")
  string(APPEND code "  static constexpr char k_text[] = R\"${delim}(${text})${delim}\";\n")
  string(APPEND code "  return {k_text, sizeof(k_text) - 1};\n}\n\n}  // namespace strata::secret\n")
  file(WRITE ${OUTPUT} "${code}")
  return()
endif()

set(strata_rules_yaml ${CMAKE_CURRENT_LIST_DIR}/rules.yaml)
set(strata_rules_cpp ${CMAKE_BINARY_DIR}/generated/secret/builtin_rules_yaml.cpp)
add_custom_command(
  OUTPUT ${strata_rules_cpp}
  COMMAND ${CMAKE_COMMAND} -DINPUT=${strata_rules_yaml} -DOUTPUT=${strata_rules_cpp}
          -P ${CMAKE_CURRENT_LIST_FILE}
  DEPENDS ${strata_rules_yaml} ${CMAKE_CURRENT_LIST_FILE}
  COMMENT "Embedding lib/secret/rules.yaml"
  VERBATIM)
target_sources(strata_secret PRIVATE ${strata_rules_cpp})
