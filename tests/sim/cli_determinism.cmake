# `flashtwin cachesim --json` twice with the same options must print the same bytes.
foreach(run a b)
  execute_process(COMMAND "${FLASHTWIN}" cachesim --json --duration-s 5 --policy lru,arc
                  --capacity-bytes 64MiB OUTPUT_FILE "${WORK_DIR}/cachesim-${run}.json"
                  RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "flashtwin cachesim exited with ${status}")
  endif()
endforeach()
file(READ "${WORK_DIR}/cachesim-a.json" a)
file(READ "${WORK_DIR}/cachesim-b.json" b)
if(NOT a STREQUAL b)
  message(FATAL_ERROR "two runs with the same inputs printed different results")
endif()
string(FIND "${a}" "\"read_hit_ratio\"" found)
if(found EQUAL -1)
  message(FATAL_ERROR "no read_hit_ratio in the output")
endif()
