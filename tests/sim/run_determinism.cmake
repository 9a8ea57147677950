# `flashtwin run` twice on the same scenario and seed must write byte-identical summary.json and
# time series; summary.json records what produced it (program, overrides, the scenario as run).
foreach(run a b)
  execute_process(COMMAND "${FLASHTWIN}" run "${SCENARIO}" -o "${WORK_DIR}/run-${run}"
                          --set duration_s=5 --set events=[] --set expectations={}
                          --set warmup_s=1
                  OUTPUT_QUIET RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "flashtwin run exited with ${status}")
  endif()
endforeach()
foreach(file summary.json timeseries.csv timeseries_vms.csv)
  file(READ "${WORK_DIR}/run-a/${file}" a)
  file(READ "${WORK_DIR}/run-b/${file}" b)
  if(NOT a STREQUAL b)
    message(FATAL_ERROR "${file} differs between two runs of the same scenario and seed")
  endif()
endforeach()
file(READ "${WORK_DIR}/run-a/summary.json" summary)
foreach(expected "\"program\": \"flashtwin " "\"warmup_s=1\"" "\"warmup_s\": 1"
                 "\"start_ns\": 1000000000")
  string(FIND "${summary}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "summary.json does not hold ${expected}")
  endif()
endforeach()
