# `flashtwin ci` on the shipped scenarios, as CI runs them: exit status 0, and the JUnit XML read
# back has one test suite per scenario and no failure or error.
#   cmake -DFLASHTWIN=... "-DSCENARIOS=a.json;b.json" -DOUT=dir -P ci_junit.cmake
file(REMOVE_RECURSE "${OUT}")
execute_process(COMMAND ${FLASHTWIN} ci ${SCENARIOS} -j 2 -o ${OUT} --junit ${OUT}/junit.xml
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "flashtwin ci: exit status ${status}\n${err}")
endif()
file(READ ${OUT}/junit.xml xml)
list(LENGTH SCENARIOS expected)
string(REGEX MATCHALL "<testsuite name=" suites "${xml}")
list(LENGTH suites found)
if(NOT found EQUAL expected)
  message(FATAL_ERROR "junit.xml has ${found} test suites, expected ${expected}:\n${xml}")
endif()
if(NOT xml MATCHES "<testsuites name=\"flashtwin ci\" tests=\"[1-9][0-9]*\" failures=\"0\" errors=\"0\"")
  message(FATAL_ERROR "junit.xml reports failures:\n${xml}")
endif()
string(REGEX MATCHALL "<testcase " cases "${xml}")
list(LENGTH cases n)
message("junit.xml: ${found} suites, ${n} test cases, no failure")
