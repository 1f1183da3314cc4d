#include "terminal.h"

#include <unistd.h>

namespace chat::client {

TerminalMode detect_terminal(int input_fd, int output_fd) noexcept {
  return {::isatty(input_fd) == 1, ::isatty(output_fd) == 1};
}

}  // namespace chat::client
