// BTF over libbpf: every FUNC with its prototype, and struct/union layouts, with types
// rendered as C text. We render types ourselves rather than with btf_dump__emit_type_decl:
// btf_dump renames types whose names repeat in the BTF ("struct foo___2"), which is not a
// name bpftrace or a person can use, and it prints anonymous types in full.
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cctype>
#include <cstring>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "kscope.h"

namespace kscope {
namespace {

// libbpf prints its warnings to stderr; keep the last one instead, to put it in our Error.
thread_local std::string g_libbpf_warning;

int LibbpfPrint(enum libbpf_print_level level, const char* fmt, va_list args) {
  if (level != LIBBPF_WARN) return 0;
  char buf[512];
  vsnprintf(buf, sizeof buf, fmt, args);
  g_libbpf_warning = buf;
  if (g_libbpf_warning.rfind("libbpf: ", 0) == 0) g_libbpf_warning.erase(0, 8);
  while (!g_libbpf_warning.empty() && g_libbpf_warning.back() == '\n') g_libbpf_warning.pop_back();
  return 0;
}

using BtfPtr = std::shared_ptr<struct btf>;

// One parsed BTF (and the base it was split from, kept alive with it).
struct Parsed {
  BtfPtr base;
  BtfPtr btf;
};

// Parsing vmlinux BTF takes tens of milliseconds and the catalog asks for one struct at a
// time, so keep the last few parses; the key includes the file's identity so a module
// reloaded (new /sys/kernel/btf/<mod>) is parsed again.
std::mutex g_cache_mutex;
std::list<std::pair<std::string, Parsed>> g_cache;  // most recent first
constexpr size_t kCacheSize = 4;

std::string FileIdentity(const std::string& path, const char* what) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    int err = errno;
    if (err == ENOENT) throw Error(std::string(what) + " not found at " + path);
    throw Error(FileErrorMessage(path, err));
  }
  return path + '\0' + std::to_string(st.st_dev) + ':' + std::to_string(st.st_ino) + ':' +
         std::to_string(st.st_size) + ':' + std::to_string(st.st_mtim.tv_sec) + '.' +
         std::to_string(st.st_mtim.tv_nsec);
}

// BTF comes raw (/sys/kernel/btf/*: magic 0xeB9F) or in an ELF's .BTF section (vmlinux,
// .ko); anything else gets a clear error rather than libbpf's "Libelf error".
void CheckMagic(const std::string& path) {
  FILE* f = fopen(path.c_str(), "rb");
  if (!f) throw Error(FileErrorMessage(path, errno));
  unsigned char m[4] = {0, 0, 0, 0};
  size_t n = fread(m, 1, sizeof m, f);
  fclose(f);
  bool elf = n == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
  bool raw = n >= 2 && ((m[0] == 0x9f && m[1] == 0xeb) || (m[0] == 0xeb && m[1] == 0x9f));
  if (!elf && !raw) throw Error("not a BTF file: " + path);
}

Parsed Parse(const std::string& path, const std::string& basePath) {
  static std::once_flag print_once;
  std::call_once(print_once, [] { libbpf_set_print(LibbpfPrint); });

  std::string key = FileIdentity(path, "BTF");
  if (!basePath.empty()) key += '\0' + FileIdentity(basePath, "base BTF");
  {
    std::lock_guard<std::mutex> lock(g_cache_mutex);
    for (auto it = g_cache.begin(); it != g_cache.end(); ++it) {
      if (it->first == key) {
        g_cache.splice(g_cache.begin(), g_cache, it);
        return it->second;
      }
    }
  }

  Parsed p;
  if (!basePath.empty()) p.base = Parse(basePath, "").btf;
  CheckMagic(path);
  g_libbpf_warning.clear();
  struct btf* b = p.base ? btf__parse_split(path.c_str(), p.base.get()) : btf__parse(path.c_str(), nullptr);
  if (!b) {
    int err = errno;  // libbpf's own codes (LIBBPF_ERRNO__*) included
    char reason[128];
    libbpf_strerror(err, reason, sizeof reason);
    std::string msg = "cannot read BTF at " + path;
    if (p.base) msg += " (split over " + basePath + ")";
    msg += ": " + std::string(reason);
    if (!g_libbpf_warning.empty()) msg += " (libbpf: " + g_libbpf_warning + ")";
    throw Error(msg);
  }
  p.btf = BtfPtr(b, btf__free);

  std::lock_guard<std::mutex> lock(g_cache_mutex);
  g_cache.emplace_front(key, p);
  if (g_cache.size() > kCacheSize) g_cache.pop_back();
  return p;
}

// Renders BTF types as C declarations ("struct file *", "char[16]", "void (*)(int)").
// C declarators grow inside-out: we carry the part written around the name so far
// ("inner") down the type chain and wrap it in parentheses where a pointer meets an array
// or function suffix.
class TypeNamer {
 public:
  explicit TypeNamer(const struct btf* btf) : btf_(btf) {}

  // The type with no declarator name, memoized: most parameters share a few types.
  const std::string& Name(uint32_t id) {
    auto it = memo_.find(id);
    if (it != memo_.end()) return it->second;
    return memo_.emplace(id, Decl(id, "", 0)).first->second;
  }

  const char* Str(uint32_t off) const {
    const char* s = btf__name_by_offset(btf_, off);
    return s ? s : "";
  }

 private:
  static std::string Join(const std::string& base, const std::string& inner) {
    if (inner.empty()) return base;
    if (inner[0] == '[') return base + inner;
    return base + ' ' + inner;
  }
  // A pointer declarator followed by a suffix needs parentheses: "(*)[4]", "(*)(int)".
  static std::string Wrap(const std::string& inner) {
    return !inner.empty() && inner[0] == '*' ? '(' + inner + ')' : inner;
  }
  std::string Named(const char* tag, const struct btf_type* t) const {
    const char* n = Str(t->name_off);
    return *n ? std::string(tag) + ' ' + n : std::string(tag) + " {...}";
  }
  uint32_t SkipTags(uint32_t id) const {
    for (int i = 0; i < 32; i++) {
      const struct btf_type* t = btf__type_by_id(btf_, id);
      if (!t || btf_kind(t) != BTF_KIND_TYPE_TAG) return id;
      id = t->type;
    }
    return id;
  }

  std::string Params(const struct btf_type* proto, int depth) {
    const struct btf_param* p = btf_params(proto);
    uint16_t n = btf_vlen(proto);
    if (n == 0) return "void";
    std::string out;
    for (uint16_t i = 0; i < n; i++) {
      if (i) out += ", ";
      out += (i == n - 1 && p[i].type == 0) ? std::string("...") : Decl(p[i].type, "", depth + 1);
    }
    return out;
  }

  std::string Decl(uint32_t id, const std::string& inner, int depth) {
    if (depth > 64) return Join("?", inner);  // a malformed, cyclic BTF
    if (id == 0) return Join("void", inner);
    const struct btf_type* t = btf__type_by_id(btf_, id);
    if (!t) return Join("?", inner);
    switch (btf_kind(t)) {
      case BTF_KIND_INT:
      case BTF_KIND_FLOAT:
      case BTF_KIND_TYPEDEF:
      case BTF_KIND_FUNC:
      case BTF_KIND_VAR:
      case BTF_KIND_DATASEC:
        return Join(Str(t->name_off), inner);
      case BTF_KIND_STRUCT:
        return Join(Named("struct", t), inner);
      case BTF_KIND_UNION:
        return Join(Named("union", t), inner);
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
        return Join(Named("enum", t), inner);
      case BTF_KIND_FWD:
        return Join(std::string(btf_kflag(t) ? "union " : "struct ") + Str(t->name_off), inner);
      case BTF_KIND_PTR:  // "char *", "char **", "char * const" (as btf_dump writes it)
        return Decl(t->type, (inner.empty() || !isalpha(static_cast<unsigned char>(inner[0])) ? "*" : "* ") + inner, depth + 1);
      case BTF_KIND_CONST:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_RESTRICT: {
        const char* q = btf_kind(t) == BTF_KIND_CONST ? "const" : btf_kind(t) == BTF_KIND_VOLATILE ? "volatile" : "restrict";
        const struct btf_type* target = btf__type_by_id(btf_, SkipTags(t->type));
        // A qualified pointer reads "char *const p"; anything else "const char p".
        if (target && btf_kind(target) == BTF_KIND_PTR)
          return Decl(t->type, inner.empty() ? std::string(q) : std::string(q) + ' ' + inner, depth + 1);
        return std::string(q) + ' ' + Decl(t->type, inner, depth + 1);
      }
      case BTF_KIND_ARRAY: {
        const struct btf_array* a = btf_array(t);
        return Decl(a->type, Wrap(inner) + '[' + std::to_string(a->nelems) + ']', depth + 1);
      }
      case BTF_KIND_FUNC_PROTO:
        return Decl(t->type, Wrap(inner) + '(' + Params(t, depth) + ')', depth + 1);
      case BTF_KIND_TYPE_TAG:  // e.g. __user: an annotation, not part of the C type
      case BTF_KIND_DECL_TAG:
        return Decl(t->type, inner, depth + 1);
      default:
        return Join("?", inner);
    }
  }

  const struct btf* btf_;
  std::unordered_map<uint32_t, std::string> memo_;
};

// Members of a struct/union; anonymous struct/union members are flattened into their
// parent at their absolute offsets, as bpftrace reaches them (task->field, not task->.field).
void AddMembers(const struct btf* btf, TypeNamer& namer, const struct btf_type* t, uint32_t baseBits,
                std::vector<BtfMember>& out, int depth) {
  const struct btf_member* m = btf_members(t);
  for (uint16_t i = 0; i < btf_vlen(t); i++, m++) {
    uint32_t bits = baseBits + btf_member_bit_offset(t, i);
    const char* name = namer.Str(m->name_off);
    if (!*name && depth < 16) {
      const struct btf_type* mt = btf__type_by_id(btf, m->type);
      while (mt && (btf_is_mod(mt) || btf_is_type_tag(mt))) mt = btf__type_by_id(btf, mt->type);
      if (mt && btf_is_composite(mt)) {
        AddMembers(btf, namer, mt, bits, out, depth + 1);
        continue;
      }
    }
    BtfMember bm;
    bm.name = name;
    bm.type = namer.Name(m->type);
    bm.offset = bits / 8;
    bm.bitOffset = bits;
    bm.bitfieldSize = btf_member_bitfield_size(t, i);
    int size = btf__resolve_size(btf, m->type);
    bm.size = size > 0 ? static_cast<uint32_t>(size) : 0;  // flexible arrays: 0
    if (*name && depth < 8) {
      const struct btf_type* mt = btf__type_by_id(btf, m->type);
      while (mt && (btf_is_mod(mt) || btf_is_type_tag(mt))) mt = btf__type_by_id(btf, mt->type);
      if (mt && btf_is_composite(mt) && !*namer.Str(mt->name_off)) AddMembers(btf, namer, mt, 0, bm.members, depth + 1);
    }
    out.push_back(std::move(bm));
  }
}

}  // namespace

std::vector<BtfFunction> BtfFunctions(const std::string& path, const std::string& basePath) {
  Parsed p = Parse(path, basePath);
  const struct btf* btf = p.btf.get();
  TypeNamer namer(btf);
  // A module's split BTF numbers its own types after the base's: list only those.
  uint32_t first = p.base ? btf__type_cnt(p.base.get()) : 1;
  uint32_t end = btf__type_cnt(btf);
  std::vector<BtfFunction> out;
  out.reserve((end - first) / 2);
  for (uint32_t id = first; id < end; id++) {
    const struct btf_type* t = btf__type_by_id(btf, id);
    if (!t || !btf_is_func(t)) continue;
    const struct btf_type* proto = btf__type_by_id(btf, t->type);
    if (!proto || !btf_is_func_proto(proto)) continue;
    BtfFunction f;
    f.name = namer.Str(t->name_off);
    f.returnType = namer.Name(proto->type);
    const struct btf_param* prm = btf_params(proto);
    uint16_t n = btf_vlen(proto);
    f.params.reserve(n);
    for (uint16_t i = 0; i < n; i++) {
      if (i == n - 1 && prm[i].type == 0) {  // "..." is encoded as a last, void parameter
        f.variadic = true;
        break;
      }
      f.params.push_back({namer.Str(prm[i].name_off), namer.Name(prm[i].type)});
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::optional<BtfStructInfo> BtfStruct(const std::string& path, const std::string& name,
                                       const std::string& basePath) {
  Parsed p = Parse(path, basePath);
  const struct btf* btf = p.btf.get();
  int id = btf__find_by_name_kind(btf, name.c_str(), BTF_KIND_STRUCT);
  if (id < 0) id = btf__find_by_name_kind(btf, name.c_str(), BTF_KIND_UNION);
  const struct btf_type* t = id < 0 ? nullptr : btf__type_by_id(btf, id);
  if (!t) {
    // A typedef of a struct or union (atomic_t, kuid_t, spinlock_t): members are written
    // after it the same way (`$mm->mm_users.counter`), often of an anonymous struct.
    int td = btf__find_by_name_kind(btf, name.c_str(), BTF_KIND_TYPEDEF);
    const struct btf_type* u = td < 0 ? nullptr : btf__type_by_id(btf, td);
    for (int i = 0; u && i < 32 && (btf_is_typedef(u) || btf_is_mod(u) || btf_is_type_tag(u)); i++)
      u = btf__type_by_id(btf, u->type);
    if (!u || !btf_is_composite(u)) return std::nullopt;
    t = u;
  }
  TypeNamer namer(btf);
  BtfStructInfo s;
  s.name = name;
  s.isUnion = btf_is_union(t);
  s.size = t->size;
  AddMembers(btf, namer, t, 0, s.members, 0);
  return s;
}

}  // namespace kscope
