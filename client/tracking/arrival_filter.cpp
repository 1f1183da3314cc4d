#include "tracking/arrival_filter.h"

namespace chat::client {

bool ArrivalFilter::hide(std::string_view line) noexcept {
  if (!waiting_) return false;
  if (hiding_) {
    if (line == "> End of recent messages") hiding_ = false;
    return true;
  }
  if (line.starts_with("> Recent messages (") && line.ends_with("):")) {
    hiding_ = true;
    return true;
  }
  // The join's answer: what follows is the room the user asked for.
  if (line.starts_with("> You are now in #") || line.starts_with("! ")) waiting_ = false;
  return false;
}

}  // namespace chat::client
