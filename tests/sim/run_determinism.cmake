# `flashtwin run` twice on the same scenario and seed must write byte-identical summary.json and
# time series; summary.json records what produced it (program, overrides, the scenario as run).
# With KEEP_EVENTS, the scenario's events stay (a migration, or with FAILURES a failure, at 8 s:
# the run is DURATION s long, 12 by default; FAILURE_EVENT names the failure's first timeline
# event, host_failed by default); ARRAY_EVENTS replaces them (below).
set(sets --set duration_s=5 --set events=[] --set expectations={} --set warmup_s=1)
if(NOT DURATION)
  set(DURATION 12)
endif()
if(NOT FAILURE_EVENT)
  set(FAILURE_EVENT host_failed)
endif()
if(KEEP_EVENTS)
  set(sets --set duration_s=${DURATION} --set expectations={} --set warmup_s=1)
endif()
# EXTRA_SET: one more override (PATH=VALUE).
if(EXTRA_SET)
  list(APPEND sets --set "${EXTRA_SET}")
endif()
# With ARRAY_EVENTS, an array outage from 4 s to 8 s and a x3 slowdown from 8 s to 10 s replace the
# events (12 s).
if(ARRAY_EVENTS)
  set(sets --set duration_s=12 --set expectations={} --set warmup_s=1 --set
           "events=[{\"at_s\":4,\"array_outage\":{\"duration_s\":4}},{\"at_s\":8,\"array_slowdown\":{\"factor\":3,\"duration_s\":2}}]")
endif()
foreach(run a b)
  execute_process(COMMAND "${FLASHTWIN}" run "${SCENARIO}" -o "${WORK_DIR}/run-${run}" ${sets}
                  OUTPUT_QUIET RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "flashtwin run exited with ${status}")
  endif()
endforeach()
foreach(file summary.json timeseries.csv timeseries_vms.csv timeseries_hosts.csv latency_cdf.csv)
  file(READ "${WORK_DIR}/run-a/${file}" a)
  file(READ "${WORK_DIR}/run-b/${file}" b)
  if(NOT a STREQUAL b)
    message(FATAL_ERROR "${file} differs between two runs of the same scenario and seed")
  endif()
endforeach()
file(READ "${WORK_DIR}/run-a/summary.json" summary)
set(expectations "\"program\": \"flashtwin " "\"warmup_s=1\"" "\"warmup_s\": 1"
                 "\"start_ns\": 1000000000")
if(ARRAY_EVENTS)
  list(APPEND expectations "\"array_outage\"" "\"array_slowed\"" "\"array_restored\"")
elseif(KEEP_EVENTS AND FAILURES)
  list(APPEND expectations "\"${FAILURE_EVENT}\"" "\"restarted_at_ns\": ")
elseif(KEEP_EVENTS)
  list(APPEND expectations "\"bytes_pulled\": " "\"rewarm_ns\": ")
endif()
foreach(expected ${expectations})
  string(FIND "${summary}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "summary.json does not hold ${expected}")
  endif()
endforeach()
