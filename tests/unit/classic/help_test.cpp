// /help is a contract (docs/PROTOCOL.md "/help"): what chatd prints is,
// byte for byte, the text the document shows, with accounts and without.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "classic/messages.h"

namespace {

std::string protocol_md() {
  std::ifstream in(std::string(CHAT_SOURCE_DIR) + "/docs/PROTOCOL.md");
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The ```text block after "<!-- help: WHICH -->", each line with its "\n".
std::string help_block(const std::string& doc, const std::string& which) {
  const std::string marker = "<!-- help: " + which + " -->\n```text\n";
  const auto start = doc.find(marker);
  REQUIRE(start != std::string::npos);
  const auto from = start + marker.size();
  const auto end = doc.find("```\n", from);
  REQUIRE(end != std::string::npos);
  return doc.substr(from, end - from);
}

}  // namespace

TEST_CASE("/help prints exactly the text of docs/PROTOCOL.md", "[help]") {
  const std::string doc = protocol_md();
  const std::string classic = help_block(doc, "classic");
  CHECK(chat::msg::help(false) == classic);
  CHECK(chat::msg::help(true) == classic + help_block(doc, "accounts"));
}
