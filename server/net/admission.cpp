#include "net/admission.h"

#include "core/chat.h"

namespace chat {

Admission::Verdict Admission::admit(const PeerAddress& peer) {
  if (clients_ >= max_clients_) return Verdict::server_full;
  if (chat_ != nullptr && chat_->server_banned_address(peer.host)) [[unlikely]] return Verdict::banned;
  if (counted(peer)) {
    std::size_t& count = per_address_[peer.host];
    if (max_per_address_ > 0 && count >= max_per_address_) {
      if (count == 0) per_address_.erase(peer.host);
      return Verdict::too_many_from_address;
    }
    ++count;
  }
  ++clients_;
  return Verdict::admitted;
}

void Admission::release(const PeerAddress& peer) {
  --clients_;
  if (!counted(peer)) return;
  const auto it = per_address_.find(peer.host);
  if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
}

}  // namespace chat
