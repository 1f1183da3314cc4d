#include "server_log.h"

#include <string>

namespace chat {

void diagnostic(std::string_view text) {
  std::string line = "chatd: ";
  line.append(text);
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);  // stderr is unbuffered: one write
}

}  // namespace chat
