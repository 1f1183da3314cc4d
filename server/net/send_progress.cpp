#include "net/send_progress.h"

#include <sys/ioctl.h>
#if defined(__linux__)
#include <linux/sockios.h>
#endif

namespace chat {

bool SendProgress::peer_read_since_last_check(int fd) {
#if defined(SIOCOUTQ)
  int unsent = 0;  // not yet sent plus sent but not acknowledged
  if (::ioctl(fd, SIOCOUTQ, &unsent) != 0) return false;
  const bool progressed = unsent_ >= 0 && unsent < unsent_;
  unsent_ = unsent;
  return progressed;
#else
  (void)fd;
  return false;
#endif
}

int SendProgress::unsent_bytes(int fd) {
#if defined(SIOCOUTQNSD)
  int unsent = 0;
  if (::ioctl(fd, SIOCOUTQNSD, &unsent) != 0) return -1;
  return unsent;
#else
  (void)fd;
  return -1;
#endif
}

}  // namespace chat
