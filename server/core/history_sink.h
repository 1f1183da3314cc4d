// Where history goes to outlive the process (server/store/history_store.h).
// Called on the chat's thread with each kept line in the canonical
// protocol's text (ending in "\n"); must not block on the disk. It may keep
// the handle (lines are immutable).
#pragma once

#include <cstdint>
#include <string_view>

#include "base/shared_line.h"

namespace chat {

class HistorySink {
 public:
  virtual void append(std::string_view room, std::int64_t time, const SharedLine& line) = 0;

 protected:
  ~HistorySink() = default;
};

}  // namespace chat
