// USDT probes: the SystemTap SDT notes (.note.stapsdt, owner "stapsdt", type 3) that
// <sys/sdt.h> leaves in a binary. Each note's descriptor is
//   pc, base, semaphore   (three addresses of the ELF class's size, in the file's byte order)
//   provider\0 name\0 args\0
// "base" is the link-time address of the .stapsdt.base section. If the file was prelinked
// or otherwise moved after the note was written, the section's actual address differs, and
// pc moves by the same amount: pc += shdr(.stapsdt.base).sh_addr - base. This is what
// SystemTap, bcc (bcc_elf_foreach_usdt) and libbpf's usdt.c do; the semaphore is left as
// recorded, as bcc does.
#include <cstring>

#include "elf_file.h"

namespace kscope {
namespace {

constexpr uint32_t kNtStapsdt = 3;

uint64_t ReadAddress(const unsigned char* p, size_t width, bool bigEndian) {
  uint64_t v = 0;
  for (size_t i = 0; i < width; i++) {
    size_t idx = bigEndian ? i : width - 1 - i;
    v = (v << 8) | p[idx];
  }
  return v;
}

// The next NUL-terminated string within [*p, end), advancing *p past it; false if unterminated.
bool NextString(const char** p, const char* end, std::string* out) {
  const void* nul = memchr(*p, '\0', end - *p);
  if (!nul) return false;
  out->assign(*p, static_cast<const char*>(nul));
  *p = static_cast<const char*>(nul) + 1;
  return true;
}

}  // namespace

std::vector<UsdtNote> UsdtNotes(const std::string& path) {
  ElfFile file(path);
  Elf* elf = file.elf();
  const char* ident = elf_getident(elf, nullptr);
  if (!ident) throw Error("not an ELF file: " + path);
  size_t width = ident[EI_CLASS] == ELFCLASS32 ? 4 : 8;
  bool bigEndian = ident[EI_DATA] == ELFDATA2MSB;

  std::vector<Elf_Scn*> notes;
  bool haveBase = false;
  uint64_t baseAddr = 0;
  GElf_Shdr shdr;
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
    if (!gelf_getshdr(scn, &shdr)) continue;
    std::string name = file.SectionName(shdr);
    if (shdr.sh_type == SHT_NOTE && name == ".note.stapsdt") notes.push_back(scn);
    if (name == ".stapsdt.base") {
      haveBase = true;
      baseAddr = shdr.sh_addr;
    }
  }

  std::vector<UsdtNote> out;
  for (Elf_Scn* scn : notes) {
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || !data->d_buf) continue;
    size_t offset = 0, nameOff, descOff;
    GElf_Nhdr nhdr;
    while ((offset = gelf_getnote(data, offset, &nhdr, &nameOff, &descOff)) > 0) {
      const char* buf = static_cast<const char*>(data->d_buf);
      if (nhdr.n_type != kNtStapsdt || nhdr.n_namesz != sizeof("stapsdt") ||
          memcmp(buf + nameOff, "stapsdt", sizeof("stapsdt")) != 0)
        continue;
      if (nhdr.n_descsz < 3 * width) continue;  // malformed: skip it, keep the others
      const unsigned char* d = reinterpret_cast<const unsigned char*>(buf + descOff);
      UsdtNote n;
      n.address = ReadAddress(d, width, bigEndian);
      n.base = ReadAddress(d + width, width, bigEndian);
      n.semaphore = ReadAddress(d + 2 * width, width, bigEndian);
      if (haveBase && n.base != 0) n.address += baseAddr - n.base;
      const char* p = buf + descOff + 3 * width;
      const char* end = buf + descOff + nhdr.n_descsz;
      if (!NextString(&p, end, &n.provider) || !NextString(&p, end, &n.name)) continue;
      if (!NextString(&p, end, &n.args)) n.args.clear();  // old notes may end without args
      out.push_back(std::move(n));
    }
  }
  return out;
}

}  // namespace kscope
