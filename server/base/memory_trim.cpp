#include "base/memory_trim.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace chat {

void MemoryTrim::on_clients(std::size_t clients) noexcept {
  if (clients > peak_) {
    peak_ = clients;
    return;
  }
  if (peak_ - clients < kMinDrop || clients * 2 > peak_) return;
#if defined(__GLIBC__)
  ::malloc_trim(0);
#endif
  peak_ = clients;
}

}  // namespace chat
