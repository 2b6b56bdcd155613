// Facts about this process and machine the engine and the capability report need:
// effective capabilities (capget) and whether perf_event_open can open a counter.
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "kscope.h"

namespace kscope {
namespace {

// Index = capability number (linux/capability.h), up to CAP_CHECKPOINT_RESTORE.
const char* const kCapNames[] = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
    "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
    "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
    "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
    "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};
constexpr unsigned kCapCount = sizeof(kCapNames) / sizeof(kCapNames[0]);

// Opens (and closes) a counting event on this thread, any CPU, user space only.
PerfProbe TryPerfEvent(uint32_t type, uint64_t config) {
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = type;
  attr.config = config;
  attr.disabled = 1;
  attr.exclude_kernel = 1;
  PerfProbe r;
  long fd = syscall(SYS_perf_event_open, &attr, 0 /* this process */, -1 /* any cpu */, -1, PERF_FLAG_FD_CLOEXEC);
  if (fd >= 0) {
    close(static_cast<int>(fd));
    r.ok = true;
    r.message = "ok";
  } else {
    r.err = errno;
    r.message = strerror(r.err);
  }
  return r;
}

}  // namespace

std::vector<std::string> EffectiveCapabilities() {
  struct __user_cap_header_struct hdr;
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
  memset(&hdr, 0, sizeof hdr);
  memset(data, 0, sizeof data);
  hdr.version = _LINUX_CAPABILITY_VERSION_3;
  hdr.pid = 0;  // this process
  if (syscall(SYS_capget, &hdr, data) != 0) throw Error(std::string("capget failed: ") + strerror(errno));
  std::vector<std::string> out;
  for (unsigned cap = 0; cap < 32 * _LINUX_CAPABILITY_U32S_3; cap++) {
    if (!(data[cap / 32].effective & (1u << (cap % 32)))) continue;
    // A kernel newer than this list: name the bit by number rather than drop it.
    out.push_back(cap < kCapCount ? kCapNames[cap] : "CAP_" + std::to_string(cap));
  }
  return out;
}

PerfProbe ProbeHardwareCounters() { return TryPerfEvent(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES); }

PerfProbe ProbeSoftwareCounter() { return TryPerfEvent(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK); }

// A pipe for bpftrace's stdout. Node gives a child a socketpair, where every small write
// costs a whole skb (~278 one-line writes fill it); a pipe packs writes into pages, and
// F_SETPIPE_SZ makes it large enough to hold a flood while the reader is busy. Tries
// `size` and halves down to the default when the kernel refuses (pipe-max-size, pipe
// quota). Both ends are O_CLOEXEC: the spawner dup2s the write end into the child's fd 1.
PipePair MakePipe(int size) {
  PipePair r;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    r.err = errno;
    return r;
  }
  r.read = fds[0];
  r.write = fds[1];
  for (int want = size; want > 65536; want /= 2) {
    if (fcntl(fds[1], F_SETPIPE_SZ, want) >= 0) break;
  }
  r.size = fcntl(fds[1], F_GETPIPE_SZ);
  return r;
}

}  // namespace kscope
