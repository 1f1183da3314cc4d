// Where history goes to outlive the process (server/store/history_store.h).
// Called on the chat's thread with each kept line in the canonical
// protocol's text (ending in "\n"); must not block on the disk. It may keep
// the handle (lines are immutable).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/shared_line.h"

namespace chat {

class HistorySink {
 public:
  // `seq` numbers the lines kept in `room` (Channel::kept_total, 1 for
  // the first): older() finds lines by it.
  virtual void append(std::string_view room, std::int64_t time, const SharedLine& line, std::uint64_t seq) = 0;

  // /history (core/history_pages.cpp): up to `count` lines of `room`
  // numbered below `before`, newest first, as {time, line with its "\n"},
  // stopping once they pass `bytes` in total. Called on the chat's thread:
  // a bounded read (at most what the store keeps of one room), never a
  // wait for the writer. None by default.
  struct Stored {
    std::int64_t time;
    std::string line;
  };
  virtual std::vector<Stored> older(std::string_view /*room*/, std::uint64_t /*before*/, std::size_t /*count*/,
                                    std::size_t /*bytes*/) {
    return {};
  }

 protected:
  ~HistorySink() = default;
};

}  // namespace chat
