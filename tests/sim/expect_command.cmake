# Runs a command as a user would and checks its exit status and what it printed.
#   cmake -DCOMMAND="prog;arg;..." -DEXIT=2 -DMATCH="regex" -P expect_command.cmake
# An optional INPUT_FILE/INPUT_TEXT pair writes a file first (for bad-input tests).
if(INPUT_FILE)
  file(WRITE "${INPUT_FILE}" "${INPUT_TEXT}")
endif()
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(printed "${out}${err}")
if(NOT status STREQUAL "${EXIT}")
  message(FATAL_ERROR "exit status ${status}, expected ${EXIT}; it printed:\n${printed}")
endif()
if(MATCH AND NOT printed MATCHES "${MATCH}")
  message(FATAL_ERROR "output does not match '${MATCH}':\n${printed}")
endif()
