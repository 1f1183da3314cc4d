// no_uring ERRNO PROGRAM [ARG...]: runs PROGRAM with io_uring_setup(2)
// failing with ERRNO (EPERM or ENOSYS), as under kernel.io_uring_disabled=2,
// a container's seccomp profile, or a kernel without io_uring. A seccomp
// filter on this process, inherited across exec; nothing else is changed.
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>

namespace {

#if defined(__x86_64__)
constexpr unsigned kArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr unsigned kArch = AUDIT_ARCH_AARCH64;
#else
#error "no_uring: add this architecture's AUDIT_ARCH"
#endif

int parse_errno(const char* name) {
  if (std::strcmp(name, "EPERM") == 0) return EPERM;
  if (std::strcmp(name, "ENOSYS") == 0) return ENOSYS;
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  const int error = argc >= 3 ? parse_errno(argv[1]) : -1;
  if (error < 0) {
    std::fprintf(stderr, "usage: no_uring EPERM|ENOSYS PROGRAM [ARG...]\n");
    return 2;
  }
  // Another architecture's calls (a 32-bit int 0x80 on x86-64) are
  // killed, so none can slip past the number check.
  std::array<sock_filter, 7> code{{
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kArch, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | static_cast<unsigned>(error)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  }};
  sock_fprog program{static_cast<unsigned short>(code.size()), code.data()};
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
    std::perror("no_uring: seccomp");
    return 2;
  }
  ::execv(argv[2], argv + 2);
  std::perror("no_uring: exec");
  return 2;
}
