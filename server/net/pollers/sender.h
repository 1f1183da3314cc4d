// The completion side of an engine (--engine uring): a round of sends, one
// per receiver, handed to the kernel at once instead of one writev each.
// Readiness engines have none; the reactor then writes queue by queue.
#pragma once

#include <memory>
#include <system_error>

#include "net/send_batch.h"

namespace chat {

class Sender {
 public:
  virtual ~Sender() = default;
  // Sends every entry of `batch` without blocking (a full socket answers
  // EAGAIN, a nearly full one a short count) and sets each entry's result.
  // Returns once every send has completed. On an error of the engine itself
  // the entries not sent keep SendBatch::kNotSent.
  virtual std::error_code send(SendBatch& batch) = 0;
};

std::unique_ptr<Sender> make_uring_sender(std::error_code& error);

}  // namespace chat
