// The flashtwin command. Only main() turns errors into exit codes: 0 ok, 1 a check failed
// (consistency, expectations), 2 bad input. A user's mistake gets a message, never a backtrace.
#include "cachesim_command.hpp"
#include "ci_command.hpp"
#include "exit_status.hpp"
#include "run_command.hpp"
#include "size_command.hpp"
#include "sweep_command.hpp"
#include "trace_command.hpp"
#include "validate_command.hpp"

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"flashtwin: simulator and digital twin of cluster-wide server-side flash tiers"};
  app.set_version_flag("--version", "flashtwin 0.1.0");
  app.require_subcommand(1);
  int exit_code = 0;
  flashtwin::cli::add_cachesim_command(app, exit_code);
  flashtwin::cli::add_validate_command(app, exit_code);
  flashtwin::cli::add_run_command(app, exit_code);
  flashtwin::cli::add_sweep_command(app, exit_code);
  flashtwin::cli::add_ci_command(app, exit_code);
  flashtwin::cli::add_size_command(app, exit_code);
  flashtwin::cli::add_trace_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (...) {
    return flashtwin::cli::exit_status_for_current_exception();
  }
  return exit_code;
}
