#include "exit_status.hpp"

#include "flashtwin/models/blktrace_reader.hpp"
#include "flashtwin/sim/json_reader.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <stdexcept>

namespace flashtwin::cli {

int exit_status_for_current_exception() {
  try {
    throw;
  } catch (const sim::ScenarioError& e) {
    std::fprintf(stderr, "flashtwin: %s\n", e.what());
    return 2;
  } catch (const models::TraceError& e) {
    std::fprintf(stderr, "flashtwin: %s\n", e.what());
    return 2;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "flashtwin: %s\n", e.what());
    return 2;
  } catch (const std::out_of_range& e) {
    std::fprintf(stderr, "flashtwin: %s\n", e.what());
    return 2;
  } catch (const std::filesystem::filesystem_error& e) {
    std::fprintf(stderr, "flashtwin: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "flashtwin: %s\n", e.what());
    return 1;
  } catch (...) {
    std::fprintf(stderr, "flashtwin: an unknown error\n");
    return 1;
  }
}

}  // namespace flashtwin::cli
