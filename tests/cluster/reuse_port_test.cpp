// chatd --cluster --reuse-port started twice on one port: the kernel spreads
// the connections over both nodes, and the users chat as one room.
#include <sys/stat.h>

#include <filesystem>

#include "cluster_fixture.h"

using namespace chat::test;

namespace {

// Sockets a process holds (entries of /proc/PID/fd that are sockets).
int socket_count(pid_t pid) {
  int n = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", error)) {
    struct stat st {};
    if (::stat(entry.path().c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("two --reuse-port nodes on one port share the users, who chat as one", "[cluster][reuse-port]") {
  RedisServer redis;
  ChatdProcess first(node_args(redis, 0, {"--reuse-port"}));
  REQUIRE(first.wait_stdout(connected_log(redis, 0)));
  ChatdProcess second("127.0.0.1", first.port(), node_args(redis, 1, {"--reuse-port"}));
  REQUIRE(second.wait_stdout(connected_log(redis, 1)));
  const int sockets_first = socket_count(first.pid()), sockets_second = socket_count(second.pid());
  BusWatch bus(redis.port());

  constexpr int kUsers = 24;
  std::vector<TestClient> users;
  users.reserve(kUsers);
  for (int i = 0; i < kUsers; ++i) {
    users.emplace_back(first.port());
    users.back().expect_line("> Connected to the chat server " + online(i + 1));
    // Both nodes have taken the arrival in before the next one comes, so
    // every count is the single-chatd one.
    REQUIRE(bus.wait_for(users.back().address_name(), 5s));
    REQUIRE(bus.sync(5s));
    REQUIRE(await_drained(first.pid(), redis.port(), 5s));
    REQUIRE(await_drained(second.pid(), redis.port(), 5s));
  }
  const int on_first = socket_count(first.pid()) - sockets_first;
  const int on_second = socket_count(second.pid()) - sockets_second;
  INFO(on_first << " users on the first node, " << on_second << " on the second");
  CHECK(on_first + on_second == kUsers);
  CHECK(on_first > 0);
  CHECK(on_second > 0);

  // Everyone heard of everyone who came later, wherever they landed, in
  // order, with the count one chatd would have said.
  for (int i = 0; i < kUsers; ++i) {
    for (int later = i + 1; later < kUsers; ++later) {
      users[static_cast<std::size_t>(i)].expect_line("> New user " +
                                                     users[static_cast<std::size_t>(later)].address_name() +
                                                     " entered " + online(later + 1));
    }
  }
  // ... and one line reaches all the others, on both nodes.
  users[0].send_line("hello both nodes");
  for (int i = 1; i < kUsers; ++i) {
    users[static_cast<std::size_t>(i)].expect_line("[" + users[0].address_name() + "] hello both nodes");
  }
  CHECK(who_names(users[5]).size() == kUsers);
}
