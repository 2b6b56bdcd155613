// kscope's native addon. For now: the process facts the engine needs (parent-death
// signal, parent pid). The catalog issue adds BTF, ELF symbols and USDT notes over
// libbpf/libelf here.
#include <napi.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace {

Napi::Value Version(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), "kscope-native 1");
}

// The signal this process receives when its parent dies (0: none).
Napi::Value GetParentDeathSignal(const Napi::CallbackInfo& info) {
  int sig = 0;
  if (prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0) != 0) {
    Napi::Error::New(info.Env(), "prctl(PR_GET_PDEATHSIG) failed").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  return Napi::Number::New(info.Env(), sig);
}

Napi::Value SetParentDeathSignal(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) {
    Napi::TypeError::New(info.Env(), "signal number expected").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  int sig = info[0].As<Napi::Number>().Int32Value();
  if (sig < 0 || sig >= NSIG || prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0) {
    Napi::Error::New(info.Env(), "prctl(PR_SET_PDEATHSIG) failed").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value ParentPid(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), getppid());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("version", Napi::Function::New(env, Version));
  exports.Set("getParentDeathSignal", Napi::Function::New(env, GetParentDeathSignal));
  exports.Set("setParentDeathSignal", Napi::Function::New(env, SetParentDeathSignal));
  exports.Set("parentPid", Napi::Function::New(env, ParentPid));
  return exports;
}

}  // namespace

NODE_API_MODULE(kscope_native, Init)
