// One flood run: connect every client, wait until all are in the room, let
// the senders send, count and time every delivery, stop when everything
// arrived, nothing moves any more, or time is up. Single-threaded epoll.
#pragma once

#include "options.h"
#include "results.h"

namespace flood {

// Progress lines go to stderr during long runs; everything else is returned.
Results run_load(const Options& options);

}  // namespace flood
