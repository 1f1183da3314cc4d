// Gives memory back to the system after a storm. glibc keeps freed heap
// pages mapped, so after 10,000 connections come and go chatd's RSS stays
// at the storm's peak; malloc_trim(0) returns the free pages. It costs a walk
// over the heap, so it runs only once the client count has fallen by at least
// kMinDrop and by half since its peak (docs/ARCHITECTURE.md has figures).
#pragma once

#include <cstddef>

namespace chat {

class MemoryTrim {
 public:
  static constexpr std::size_t kMinDrop = 1000;

  // Called with the current number of clients whenever it may have dropped.
  void on_clients(std::size_t clients) noexcept;

 private:
  std::size_t peak_ = 0;
};

}  // namespace chat
