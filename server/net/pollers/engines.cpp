// The backend table: which pollers this build has, in order of preference.
#include "net/pollers/poller.h"
#include "net/pollers/sender.h"

#include <array>

namespace chat {

namespace {

constexpr std::array kEngines{
#if defined(CHAT_HAVE_EPOLL)
    Engine{"epoll", &make_epoll_poller},
#endif
#if defined(CHAT_HAVE_URING)
    Engine{"uring", &make_uring_poller, &make_uring_sender},
#endif
#if defined(CHAT_HAVE_KQUEUE)
    Engine{"kqueue", &make_kqueue_poller},
#endif
    Engine{"poll", &make_poll_poller},
    Engine{"select", &make_select_poller},
};

}  // namespace

std::span<const Engine> engines() { return kEngines; }

const Engine* find_engine(std::string_view name) {
  for (const Engine& e : kEngines) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace chat
