// A Chat with members that record what they receive and a log captured in
// memory: the room's rules checked without sockets or a clock.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "classic/classic_renderer.h"
#include "core/chat.h"

namespace chat::test {

struct FakeMember final : Member {
  explicit FakeMember(ProtocolId protocol = kCanonicalProtocol) : Member(protocol) {}
  std::vector<std::string> got;
  bool full = false;        // accepts_reply says no
  int refused_replies = 0;  // replies it was asked to take and refused
  bool expelled = false;    // the chat took it out (Member::drop)
  DropReason expelled_because = DropReason::replaced;
  void deliver(const SharedLine& line) override { got.push_back(*line); }
  void drop(DropReason why) override {
    expelled = true;
    expelled_because = why;
  }
  bool accepts_reply(std::size_t, std::size_t) override {
    refused_replies += full ? 1 : 0;
    return !full;
  }
  std::vector<std::string> take() { return std::exchange(got, {}); }
  // What take() returns, cut into lines: a reply of several lines (a long
  // /who) may come as one buffer, and the reader sees only the bytes.
  std::vector<std::string> take_lines() {
    std::vector<std::string> lines;
    for (const std::string& buffer : take()) {
      for (std::size_t at = 0; at < buffer.size();) {
        const std::size_t end = buffer.find('\n', at);
        const std::size_t next = end == std::string::npos ? buffer.size() : end + 1;
        lines.push_back(buffer.substr(at, next - at));
        at = next;
      }
    }
    return lines;
  }
};

struct Fixture {
  explicit Fixture(RoomConfig config = {})
      : classic({.max_line = config.max_line, .local_time = config.local_time, .clock = config.clock}),
        room(log, renderers, config) {}
  ~Fixture() {
    std::fclose(log_file);
    std::free(log_buf);
  }
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;

  char* log_buf = nullptr;
  std::size_t log_len = 0;
  std::FILE* log_file = open_memstream(&log_buf, &log_len);
  ServerLog log{log_file, false};
  ClassicRenderer classic;
  Renderers renderers{classic};
  Chat room;
  std::vector<std::unique_ptr<FakeMember>> members;

  std::pair<Chat::MemberId, FakeMember*> join(const std::string& addr) {
    members.push_back(std::make_unique<FakeMember>());
    FakeMember* m = members.back().get();
    return {room.join(*m, addr), m};
  }
  std::string log_text() {
    std::fflush(log_file);
    return std::string(log_buf, log_len);
  }
};

using Lines = std::vector<std::string>;

}  // namespace chat::test
