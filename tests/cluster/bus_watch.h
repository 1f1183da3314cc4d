// A barrier for the cluster tests: "node N has applied every event published
// so far". chatd logs no remote events and a node with no users of its own
// shows nothing to a client, so the test watches the bus itself:
//   1. a PSUBSCRIBE * connection sees the event, then a PING on it is
//      answered: Redis writes a published message to every subscriber in
//      the same turn of its loop (in no promised order) and answers the
//      PING in a later one, so by then the event sits in every node's socket;
//   2. the node's sockets to Redis have nothing left unread (/proc/net/tcp
//      rx_queue): it has read the event, and a reactor node handles what it
//      read before it accepts the next connection.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "unique_fd.h"

namespace chat::test {

class BusWatch {
 public:
  // Subscribes to every channel of the Redis on 127.0.0.1:port. Throws on failure.
  explicit BusWatch(std::uint16_t redis_port);
  // Waits until a message on the bus contains `needle` (seen since this
  // watch was made, earlier ones included). False on timeout.
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout);
  // Waits until `needle` has been seen `count` times. False on timeout.
  bool wait_for_count(const std::string& needle, std::size_t count, std::chrono::milliseconds timeout);
  // Sends PING and waits for its answer: everything Redis published before
  // has been written to every subscriber. False on timeout.
  bool sync(std::chrono::milliseconds timeout);

 private:
  bool wait_from(std::size_t from, const std::string& needle, std::chrono::milliseconds timeout);

  UniqueFd fd_;
  std::string seen_;
};

// Waits until every socket `pid` holds to 127.0.0.1:redis_port has an empty
// receive queue. False on timeout.
bool await_drained(pid_t pid, std::uint16_t redis_port, std::chrono::milliseconds timeout);

// The local ports of `pid`'s connections to 127.0.0.1:redis_port (for
// CLIENT KILL ADDR).
std::vector<std::uint16_t> redis_client_ports(pid_t pid, std::uint16_t redis_port);

}  // namespace chat::test
