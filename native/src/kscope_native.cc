// kscope's native addon: registration, argument checks and JS conversion. The work is in
// btf.cc (libbpf), elf_symbols.cc and usdt.cc (libelf) and process.cc (prctl, capget,
// perf_event_open); they throw kscope::Error, which reaches JS as a thrown Error.
#include <napi.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "kscope.h"

namespace {

// Turns C++ failures into JS exceptions with the same message.
template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value Guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

std::string StringArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsString())
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

// An optional string argument: undefined or null mean "absent" ("").
std::string OptionalStringArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || info[i].IsUndefined() || info[i].IsNull()) return "";
  return StringArg(info, i, what);
}

// Addresses are uint64; JS numbers hold them exactly below 2^53 (all user-space addresses).
Napi::Number Address(Napi::Env env, uint64_t v) { return Napi::Number::New(env, static_cast<double>(v)); }

Napi::Value Version(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), "kscope-native 2");
}

// The signal this process receives when its parent dies (0: none).
Napi::Value GetParentDeathSignal(const Napi::CallbackInfo& info) {
  int sig = 0;
  if (prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0) != 0) throw Napi::Error::New(info.Env(), "prctl(PR_GET_PDEATHSIG) failed");
  return Napi::Number::New(info.Env(), sig);
}

Napi::Value SetParentDeathSignal(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "signal number expected");
  int sig = info[0].As<Napi::Number>().Int32Value();
  if (sig < 0 || sig >= NSIG || prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0)
    throw Napi::Error::New(info.Env(), "prctl(PR_SET_PDEATHSIG) failed");
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value ParentPid(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), getppid()); }

// Every FUNC, packed: creating 60k+ objects through N-API costs ~250 ms where the BTF work
// takes ~20, so we hand JS one '\0'-joined string table and a Uint32Array of indices into
// it, and node/native.ts builds the objects (~20 ms). Layout per function:
//   name, returnType, flags (param count | 0x10000 when variadic), then name, type per param.
Napi::Value BtfFunctionsPacked(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = StringArg(info, 0, "path");
  std::string base = OptionalStringArg(info, 1, "basePath");
  std::vector<kscope::BtfFunction> fns = kscope::BtfFunctions(path, base);

  std::unordered_map<std::string, uint32_t> index;
  std::string table;
  auto intern = [&](const std::string& s) -> uint32_t {
    auto [it, added] = index.emplace(s, static_cast<uint32_t>(index.size()));
    if (added) {
      if (it->second) table += '\0';
      table += s;
    }
    return it->second;
  };
  std::vector<uint32_t> words;
  words.reserve(fns.size() * 9);
  for (const kscope::BtfFunction& f : fns) {
    words.push_back(intern(f.name));
    words.push_back(intern(f.returnType));
    words.push_back(static_cast<uint32_t>(f.params.size()) | (f.variadic ? 0x10000u : 0u));
    for (const kscope::BtfParam& p : f.params) {
      words.push_back(intern(p.name));
      words.push_back(intern(p.type));
    }
  }
  Napi::Uint32Array packed = Napi::Uint32Array::New(env, words.size());
  std::copy(words.begin(), words.end(), packed.Data());

  Napi::Object o = Napi::Object::New(env);
  o.Set("module", base.empty() ? std::string("vmlinux") : path.substr(path.find_last_of('/') + 1));
  o.Set("strings", Napi::String::New(env, table));
  o.Set("functions", packed);
  return o;
}

// Members as JS objects; an anonymous struct/union member carries its own `members`.
Napi::Array BtfMembersArray(Napi::Env env, const std::vector<kscope::BtfMember>& in) {
  Napi::Array members = Napi::Array::New(env, in.size());
  for (size_t i = 0; i < in.size(); i++) {
    const kscope::BtfMember& m = in[i];
    Napi::Object mo = Napi::Object::New(env);
    mo.Set("name", m.name);
    mo.Set("type", m.type);
    mo.Set("offset", m.offset);
    mo.Set("size", m.size);
    if (m.bitfieldSize) {
      mo.Set("bitfieldSize", m.bitfieldSize);
      mo.Set("bitOffset", m.bitOffset);
    }
    if (!m.members.empty()) mo.Set("members", BtfMembersArray(env, m.members));
    members.Set(static_cast<uint32_t>(i), mo);
  }
  return members;
}

Napi::Value BtfStruct(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = StringArg(info, 0, "path");
  std::string name = StringArg(info, 1, "name");
  std::string base = OptionalStringArg(info, 2, "basePath");
  std::optional<kscope::BtfStructInfo> s = kscope::BtfStruct(path, name, base);
  if (!s) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", s->name);
  o.Set("kind", s->isUnion ? "union" : "struct");
  o.Set("size", s->size);
  Napi::Array members = BtfMembersArray(env, s->members);
  o.Set("members", members);
  return o;
}

Napi::Value ElfSymbols(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<kscope::ElfSymbol> syms = kscope::ElfSymbols(StringArg(info, 0, "path"));
  Napi::String kName = Napi::String::New(env, "name"), kAddress = Napi::String::New(env, "address"),
               kSize = Napi::String::New(env, "size"), kKind = Napi::String::New(env, "kind"),
               kBinding = Napi::String::New(env, "binding");
  Napi::Array out = Napi::Array::New(env, syms.size());
  for (size_t i = 0; i < syms.size(); i++) {
    Napi::HandleScope scope(env);
    const kscope::ElfSymbol& s = syms[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set(kName, Napi::String::New(env, s.name));
    o.Set(kAddress, Address(env, s.address));
    o.Set(kSize, Address(env, s.size));
    o.Set(kKind, Napi::String::New(env, s.kind));
    o.Set(kBinding, Napi::String::New(env, s.binding));
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

Napi::Value UsdtNotes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<kscope::UsdtNote> notes = kscope::UsdtNotes(StringArg(info, 0, "path"));
  Napi::Array out = Napi::Array::New(env, notes.size());
  for (size_t i = 0; i < notes.size(); i++) {
    const kscope::UsdtNote& n = notes[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("provider", n.provider);
    o.Set("name", n.name);
    o.Set("address", Address(env, n.address));
    o.Set("semaphore", Address(env, n.semaphore));
    o.Set("base", Address(env, n.base));
    o.Set("args", n.args);
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

Napi::Value EffectiveCapabilities(const Napi::CallbackInfo& info) {
  std::vector<std::string> caps = kscope::EffectiveCapabilities();
  Napi::Array out = Napi::Array::New(info.Env(), caps.size());
  for (size_t i = 0; i < caps.size(); i++) out.Set(static_cast<uint32_t>(i), caps[i]);
  return out;
}

Napi::Value PerfProbeResult(Napi::Env env, const kscope::PerfProbe& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("ok", r.ok);
  o.Set("errno", r.err);
  o.Set("message", r.message);
  return o;
}

Napi::Value ProbeHardwareCounters(const Napi::CallbackInfo& info) {
  return PerfProbeResult(info.Env(), kscope::ProbeHardwareCounters());
}

Napi::Value ProbeSoftwareCounter(const Napi::CallbackInfo& info) {
  return PerfProbeResult(info.Env(), kscope::ProbeSoftwareCounter());
}

// pipe(size) -> { read, write, size }: two O_CLOEXEC fds the caller owns (see MakePipe).
Napi::Value Pipe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "pipe(size): size must be a number");
  kscope::PipePair p = kscope::MakePipe(info[0].As<Napi::Number>().Int32Value());
  if (p.read < 0) throw Napi::Error::New(env, std::string("pipe2: ") + strerror(p.err));
  Napi::Object o = Napi::Object::New(env);
  o.Set("read", p.read);
  o.Set("write", p.write);
  o.Set("size", p.size);
  return o;
}

// socketpair() -> [a, b]: a connected AF_UNIX stream pair, both O_CLOEXEC, the caller owns them.
Napi::Value SocketPair(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  kscope::SocketPair p = kscope::MakeSocketPair();
  if (p.a < 0) throw Napi::Error::New(env, std::string("socketpair: ") + strerror(p.err));
  Napi::Array a = Napi::Array::New(env, 2);
  a.Set(0u, p.a);
  a.Set(1u, p.b);
  return a;
}

int FdArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a file descriptor");
  int fd = info[i].As<Napi::Number>().Int32Value();
  if (fd < 0) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a file descriptor");
  return fd;
}

// sendFd(socket, fd, tag): sends `fd` (the caller keeps its own copy) with a u32 tag.
Napi::Value SendFd(const Napi::CallbackInfo& info) {
  int sock = FdArg(info, 0, "socket");
  int fd = FdArg(info, 1, "fd");
  if (info.Length() < 3 || !info[2].IsNumber()) throw Napi::TypeError::New(info.Env(), "sendFd(socket, fd, tag): tag must be a number");
  int err = kscope::SendFd(sock, fd, info[2].As<Napi::Number>().Uint32Value());
  if (err != 0) throw Napi::Error::New(info.Env(), std::string("sendmsg: ") + strerror(err));
  return info.Env().Undefined();
}

// recvFd(socket) -> { fd, tag }: the next descriptor sent on `socket`; throws at once when none is there.
Napi::Value RecvFd(const Napi::CallbackInfo& info) {
  kscope::ReceivedFd r = kscope::RecvFd(FdArg(info, 0, "socket"));
  if (r.fd < 0) throw Napi::Error::New(info.Env(), std::string("recvmsg: ") + (r.err == EPROTO ? "no descriptor in the message" : strerror(r.err)));
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("fd", r.fd);
  o.Set("tag", r.tag);
  return o;
}

Napi::Value IsUnixSocket(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), kscope::IsUnixSocket(FdArg(info, 0, "fd")));
}

Napi::Value ProbeTracingLoad(const Napi::CallbackInfo& info) {
  kscope::ProgLoadProbe r = kscope::ProbeTracingLoad(StringArg(info, 0, "kind"), StringArg(info, 1, "target"));
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("ok", r.ok);
  o.Set("errno", r.err);
  o.Set("message", r.message);
  o.Set("log", r.log);
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("version", Napi::Function::New(env, Guarded<Version>));
  exports.Set("getParentDeathSignal", Napi::Function::New(env, Guarded<GetParentDeathSignal>));
  exports.Set("setParentDeathSignal", Napi::Function::New(env, Guarded<SetParentDeathSignal>));
  exports.Set("parentPid", Napi::Function::New(env, Guarded<ParentPid>));
  exports.Set("btfFunctionsPacked", Napi::Function::New(env, Guarded<BtfFunctionsPacked>));
  exports.Set("btfStruct", Napi::Function::New(env, Guarded<BtfStruct>));
  exports.Set("elfSymbols", Napi::Function::New(env, Guarded<ElfSymbols>));
  exports.Set("usdtNotes", Napi::Function::New(env, Guarded<UsdtNotes>));
  exports.Set("effectiveCapabilities", Napi::Function::New(env, Guarded<EffectiveCapabilities>));
  exports.Set("probeHardwareCounters", Napi::Function::New(env, Guarded<ProbeHardwareCounters>));
  exports.Set("probeSoftwareCounter", Napi::Function::New(env, Guarded<ProbeSoftwareCounter>));
  exports.Set("pipe", Napi::Function::New(env, Guarded<Pipe>));
  exports.Set("socketPair", Napi::Function::New(env, Guarded<SocketPair>));
  exports.Set("sendFd", Napi::Function::New(env, Guarded<SendFd>));
  exports.Set("recvFd", Napi::Function::New(env, Guarded<RecvFd>));
  exports.Set("isUnixSocket", Napi::Function::New(env, Guarded<IsUnixSocket>));
  exports.Set("probeTracingLoad", Napi::Function::New(env, Guarded<ProbeTracingLoad>));
  return exports;
}

}  // namespace

NODE_API_MODULE(kscope_native, Init)
