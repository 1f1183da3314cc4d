// One protocol line, built once and shared by every receiver's queue.
#pragma once

#include <memory>
#include <string>

namespace chat {

// Immutable, including its trailing "\n". A broadcast to N receivers costs
// one allocation and N reference-count increments, not N copies.
using SharedLine = std::shared_ptr<const std::string>;

inline SharedLine make_line(std::string text_with_newline) {
  return std::make_shared<const std::string>(std::move(text_with_newline));
}

}  // namespace chat
