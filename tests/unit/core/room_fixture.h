// A Room with members that record what they receive and a log captured in
// memory: the room's rules checked without sockets or a clock.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/room.h"

namespace chat::test {

struct FakeMember final : Member {
  std::vector<std::string> got;
  bool full = false;        // accepts_reply says no
  int refused_replies = 0;  // replies it was asked to take and refused
  void deliver(const SharedLine& line) override { got.push_back(*line); }
  bool accepts_reply(std::size_t, std::size_t) override {
    refused_replies += full ? 1 : 0;
    return !full;
  }
  std::vector<std::string> take() { return std::exchange(got, {}); }
};

struct Fixture {
  explicit Fixture(RoomConfig config = {}) : room(log, std::move(config)) {}
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
  Room room;
  std::vector<std::unique_ptr<FakeMember>> members;

  std::pair<Room::MemberId, FakeMember*> join(const std::string& addr) {
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
