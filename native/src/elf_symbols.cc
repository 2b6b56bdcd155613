// ELF symbols over libelf: the functions and objects a uprobe can name. .symtab when the
// file has one (it is a superset of .dynsym), else .dynsym (stripped binaries and most
// shared libraries).
#include <algorithm>
#include <cstring>
#include <tuple>

#include "elf_file.h"

namespace kscope {

std::vector<ElfSymbol> ElfSymbols(const std::string& path) {
  ElfFile file(path);
  Elf* elf = file.elf();

  Elf_Scn* symtab = nullptr;
  Elf_Scn* dynsym = nullptr;
  GElf_Shdr shdr;
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
    if (!gelf_getshdr(scn, &shdr)) continue;
    if (shdr.sh_type == SHT_SYMTAB && !symtab) symtab = scn;
    if (shdr.sh_type == SHT_DYNSYM && !dynsym) dynsym = scn;
  }
  Elf_Scn* scn = symtab ? symtab : dynsym;
  std::vector<ElfSymbol> out;
  if (!scn || !gelf_getshdr(scn, &shdr) || shdr.sh_entsize == 0) return out;

  Elf_Data* data = elf_getdata(scn, nullptr);
  if (!data) throw Error("cannot read the symbol table of " + path + ": " + elf_errmsg(-1));
  size_t count = shdr.sh_size / shdr.sh_entsize;
  out.reserve(count);
  for (size_t i = 0; i < count; i++) {
    GElf_Sym sym;
    if (!gelf_getsym(data, static_cast<int>(i), &sym)) continue;
    // Undefined symbols are imports (bash's "malloc"): they live in another file.
    if (sym.st_shndx == SHN_UNDEF) continue;
    int type = GELF_ST_TYPE(sym.st_info);
    const char* kind;
    if (type == STT_FUNC || type == STT_GNU_IFUNC) kind = "func";
    else if (type == STT_OBJECT) kind = "object";
    else continue;  // sections, files, TLS offsets, notypes: nothing to attach to
    const char* name = elf_strptr(elf, shdr.sh_link, sym.st_name);
    if (!name || !*name) continue;
    ElfSymbol s;
    s.name = name;
    s.address = sym.st_value;
    s.size = sym.st_size;
    s.kind = kind;
    switch (GELF_ST_BIND(sym.st_info)) {
      case STB_GLOBAL: s.binding = "global"; break;
      case STB_LOCAL: s.binding = "local"; break;
      case STB_WEAK: s.binding = "weak"; break;
      default: s.binding = "other"; break;  // STB_GNU_UNIQUE and OS-specific
    }
    out.push_back(std::move(s));
  }

  // By address, then name; identical entries (same local symbol from several objects) once.
  auto key = [](const ElfSymbol& s) { return std::tie(s.address, s.name, s.size); };
  std::sort(out.begin(), out.end(), [&](const ElfSymbol& a, const ElfSymbol& b) {
    if (key(a) != key(b)) return key(a) < key(b);
    int k = strcmp(a.kind, b.kind);
    return k != 0 ? k < 0 : strcmp(a.binding, b.binding) < 0;
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [&](const ElfSymbol& a, const ElfSymbol& b) {
                          return key(a) == key(b) && !strcmp(a.kind, b.kind) && !strcmp(a.binding, b.binding);
                        }),
            out.end());
  return out;
}

}  // namespace kscope
