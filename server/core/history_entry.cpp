#include "core/event.h"

namespace chat {

HistoryEntry::HistoryEntry(std::int64_t time, Event::Kind kind, std::string_view name, std::string_view text,
                           const SharedLine& rendered)
    : time_(time), kind_(kind) {
  if (rendered) {
    const std::string_view line = *rendered;
    const auto text_at = line.rfind(text);
    const auto name_at = text_at != std::string_view::npos ? line.substr(0, text_at).find(name) : text_at;
    if (name_at != std::string_view::npos) {
      name_at_ = static_cast<std::uint32_t>(name_at);
      text_at_ = static_cast<std::uint32_t>(text_at);
      name_size_ = static_cast<std::uint32_t>(name.size());
      text_size_ = static_cast<std::uint32_t>(text.size());
      buffer_ = rendered;
      return;
    }
  }
  buffer_ = SharedLine::build([&](std::string& out) {
    out.append(name);
    out.append(text);
  });
  name_size_ = static_cast<std::uint32_t>(name.size());
  text_at_ = name_size_;
  text_size_ = static_cast<std::uint32_t>(text.size());
}

}  // namespace chat
