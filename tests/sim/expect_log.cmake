# Checks what a run printed, from its run.log (a run made once by a fixture, e.g. `flashtwin ci`).
#   cmake -DLOG=file "-DMATCH=regex" -P expect_log.cmake
if(NOT EXISTS "${LOG}")
  message(FATAL_ERROR "${LOG} is missing (its fixture did not run)")
endif()
file(READ "${LOG}" printed)
if(NOT printed MATCHES "${MATCH}")
  message(FATAL_ERROR "${LOG} does not match '${MATCH}':\n${printed}")
endif()
