// Asking the kernel whether a tracing program loads: a two-instruction BPF_PROG_TYPE_TRACING
// program (r0 = 0; exit) attached by BTF id to a kernel function (fentry/fexit) or a raw
// tracepoint (tp_btf). Loaded and closed at once, never attached. bpftrace's own answers are
// not evidence here: 0.17 says "kfunc not available", 0.27 "No matches" (it cannot read
// available_filter_functions), and neither says what the kernel refused.
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "kscope.h"

namespace kscope {

ProgLoadProbe ProbeTracingLoad(const std::string& kind, const std::string& target) {
  ProgLoadProbe r;
  bpf_attach_type attach;
  std::string btfName = target;
  int btfKind = BTF_KIND_FUNC;
  if (kind == "fentry") attach = BPF_TRACE_FENTRY;
  else if (kind == "fexit") attach = BPF_TRACE_FEXIT;
  else if (kind == "tp_btf") {
    attach = BPF_TRACE_RAW_TP;
    btfName = "btf_trace_" + target;
    btfKind = BTF_KIND_TYPEDEF;
  } else throw Error("kind must be fentry, fexit or tp_btf");
  struct btf* vmlinux = btf__load_vmlinux_btf();
  if (!vmlinux) {
    r.err = errno;
    r.message = std::string("no kernel BTF: ") + strerror(r.err);
    return r;
  }
  int id = btf__find_by_name_kind(vmlinux, btfName.c_str(), btfKind);
  btf__free(vmlinux);
  if (id < 0) {
    r.err = ENOENT;
    r.message = "no BTF entry for " + btfName;
    return r;
  }
  struct bpf_insn insns[] = {
      {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0},  // r0 = 0
      {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},                   // exit
  };
  static char log[4096];
  log[0] = '\0';
  LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach, .attach_btf_id = static_cast<__u32>(id),
              .log_level = 1, .log_size = sizeof log, .log_buf = log);
  int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "kscope_probe", "GPL", insns, 2, &opts);
  if (fd >= 0) {
    close(fd);
    r.ok = true;
    r.message = "loaded";
  } else {
    r.err = -fd;
    r.message = strerror(r.err);
    r.log = log;
  }
  return r;
}

}  // namespace kscope
