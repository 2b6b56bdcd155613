// Shared declarations of kscope's native addon. The concern files (btf.cc, elf_symbols.cc,
// usdt.cc, process.cc) are plain C++ that throw kscope::Error; kscope_native.cc turns
// their results into JS values and their errors into thrown JS Errors.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kscope {

// Any failure meant for the JS caller; what() is the whole message (path + reason).
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// errno of a failed open()/stat() of `path` as a message ("no such file: /x").
inline std::string FileErrorMessage(const std::string& path, int err) {
  switch (err) {
    case ENOENT: return "no such file: " + path;
    case EACCES:
    case EPERM: return "permission denied: " + path;
    case ENOTDIR: return "not a directory in path: " + path;
    default: return "cannot open " + path + ": " + strerror(err);
  }
}

// ---- btf.cc
struct BtfParam {
  std::string name;
  std::string type;
};
struct BtfFunction {
  std::string name;
  std::string returnType;
  std::vector<BtfParam> params;
  bool variadic = false;
};
struct BtfMember {
  std::string name;
  std::string type;
  uint32_t offset = 0;       // bytes
  uint32_t size = 0;         // bytes of the member's type
  uint32_t bitOffset = 0;    // bits from the start of the struct
  uint32_t bitfieldSize = 0; // 0: not a bitfield
  // A member of an anonymous struct/union type (`union {...} in6_u`): that type's members,
  // offsets relative to it, since it has no name to ask for.
  std::vector<BtfMember> members;
};
struct BtfStructInfo {
  std::string name;
  bool isUnion = false;
  uint32_t size = 0;
  std::vector<BtfMember> members;
};
// Functions of `path` (a split/module BTF when basePath is non-empty: its own FUNCs only).
std::vector<BtfFunction> BtfFunctions(const std::string& path, const std::string& basePath);
std::optional<BtfStructInfo> BtfStruct(const std::string& path, const std::string& name,
                                       const std::string& basePath);

// ---- elf_symbols.cc
struct ElfSymbol {
  std::string name;
  uint64_t address = 0;
  uint64_t size = 0;
  const char* kind = "other";     // "func" | "object" | "other"
  const char* binding = "other";  // "global" | "local" | "weak" | "other"
};
std::vector<ElfSymbol> ElfSymbols(const std::string& path);

// ---- usdt.cc
struct UsdtNote {
  std::string provider;
  std::string name;
  uint64_t address = 0;    // pc, adjusted for prelink via .stapsdt.base
  uint64_t semaphore = 0;  // 0: none
  uint64_t base = 0;       // the note's recorded .stapsdt.base address
  std::string args;
};
std::vector<UsdtNote> UsdtNotes(const std::string& path);

// ---- process.cc
std::vector<std::string> EffectiveCapabilities();
struct PerfProbe {
  bool ok = false;
  int err = 0;
  std::string message;
};
PerfProbe ProbeHardwareCounters();

// ---- prog_load.cc
struct ProgLoadProbe {
  bool ok = false;
  int err = 0;
  std::string message;
  // The verifier's log, when it got that far (an EPERM before the verifier leaves it empty).
  std::string log;
};
// kind: "fentry", "fexit" or "tp_btf"; target: a kernel function or raw tracepoint name.
ProgLoadProbe ProbeTracingLoad(const std::string& kind, const std::string& target);
PerfProbe ProbeSoftwareCounter();
struct PipePair {
  int read = -1;
  int write = -1;
  int size = 0;  // F_GETPIPE_SZ after the enlargement
  int err = 0;   // errno of pipe2 when read < 0
};
PipePair MakePipe(int size);

// fd_passing.cc: SCM_RIGHTS over a unix socket (the helper hands bpftrace's pipe to the engine).
struct SocketPair {
  int a = -1;
  int b = -1;
  int err = 0;
};
SocketPair MakeSocketPair();
// 0, or the errno of sendmsg.
int SendFd(int sock, int fd, uint32_t tag);
struct ReceivedFd {
  int fd = -1;  // O_CLOEXEC; the caller owns it
  uint32_t tag = 0;
  int err = 0;  // EAGAIN: nothing was sent; EPROTO: a message without exactly one descriptor
};
ReceivedFd RecvFd(int sock);
bool IsUnixSocket(int fd);

}  // namespace kscope
