#include "outgoing_line.h"

#include "command.h"
#include "utf8.h"

namespace chat::client {

OutgoingLine translate_outgoing(std::string_view line) {
  // The same parser the server uses, so the local line matches what the
  // server will do with the bytes.
  const Command command = parse_command(line);
  if (command.kind == Command::Kind::empty) return {};

  OutgoingLine out;
  out.to_send.reserve(line.size() + 1);
  out.to_send.append(line);
  out.to_send.push_back('\n');

  switch (command.kind) {
    case Command::Kind::text:
      out.to_print = "[You] " + sanitize_text(command.arg);
      break;
    case Command::Kind::msg:
      if (!command.arg.empty() && !command.text.empty()) {
        out.to_print = "[You -> " + sanitize_text(command.arg) + "] " + sanitize_text(command.text);
      }
      break;
    case Command::Kind::me:
      if (!command.arg.empty()) out.to_print = "* You " + sanitize_text(command.arg);
      break;
    case Command::Kind::quit:
      out.quits = true;
      break;
    case Command::Kind::empty:
    case Command::Kind::nick:
    case Command::Kind::who:
    case Command::Kind::help:
    case Command::Kind::join:
    case Command::Kind::rooms:
    case Command::Kind::unknown:
      break;
  }
  return out;
}

}  // namespace chat::client
