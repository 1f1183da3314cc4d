// Small building blocks shared by the integration tests: joining users with
// every side's lines checked, and the count wording of the protocol.
#pragma once

#include <string>
#include <vector>

#include "chatd_process.h"
#include "test_client.h"

namespace chat::test {

// "(1 user online)" / "(2 users online)": singular for 0 and 1.
inline std::string online(int n) {
  return "(" + std::to_string(n) + (n <= 1 ? " user online)" : " users online)");
}

// Connects a new user and checks the whole join: the newcomer's welcome
// (counting itself) and every user already present seeing the entered line.
// Waiting for these lines before the next connect keeps arrival order fixed.
inline TestClient join(const ChatdProcess& server, const std::vector<TestClient*>& present,
                       const std::string& host = "127.0.0.1", int rcvbuf = 0) {
  TestClient client(server.port(), host, rcvbuf);
  const int count = static_cast<int>(present.size()) + 1;
  client.expect_line("> Connected to the chat server " + online(count));
  for (TestClient* other : present) {
    other->expect_line("> New user " + client.address_name() + " entered " + online(count));
  }
  return client;
}

// Sends /who and expects `names` (in arrival order) as the reply. As chatd
// handles a client's lines in order, the reply is also a barrier: it proves
// every earlier line from this client was processed, and if it is the next
// line received, that nothing else was sent to this client before it.
inline void expect_who(TestClient& client, const std::vector<std::string>& names) {
  std::string line = "> Online (" + std::to_string(names.size()) + "): ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i != 0) line += ", ";
    line += names[i];
  }
  client.send_line("/who");
  client.expect_line(line);
}

}  // namespace chat::test
