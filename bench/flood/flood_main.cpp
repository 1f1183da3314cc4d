// flood: a load generator for line-based chat servers (chatd, ncat --chat,
// IRC). See bench/README.md.
#include <cstdio>
#include <string_view>
#include <variant>
#include <vector>

#include "load.h"
#include "options.h"
#include "results.h"

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  const flood::ParseResult parsed = flood::parse_options(args);
  if (std::holds_alternative<flood::ShowHelp>(parsed)) {
    std::fputs(flood::usage_text().data(), stdout);
    return 0;
  }
  if (const auto* error = std::get_if<flood::OptionError>(&parsed)) {
    std::fprintf(stderr, "flood: %s (try --help)\n", error->message.c_str());
    return 2;
  }
  const flood::Results results = flood::run_load(std::get<flood::Options>(parsed));
  if (!results.error.empty()) std::fprintf(stderr, "flood: %s\n", results.error.c_str());
  std::fputs(flood::format_table(results).c_str(), stdout);
  std::puts(flood::format_json(results).c_str());
  return results.ok() ? 0 : 1;
}
