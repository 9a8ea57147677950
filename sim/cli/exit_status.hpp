// The exit status for an error, decided in one place for main() and for forked workers: 2 for bad
// input (a scenario, a trace, an argument, a file), 1 for anything else. The message goes to
// stderr as "flashtwin: ...", never a backtrace.
#pragma once

namespace flashtwin::cli {

// Call from inside a catch block: rethrows the exception being handled, prints it, returns 2 or 1.
int exit_status_for_current_exception();

}  // namespace flashtwin::cli
