// An ELF file opened read-only with libelf, closed on scope exit. Shared by
// elf_symbols.cc and usdt.cc so both report the same errors for the same files.
#pragma once

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "kscope.h"

namespace kscope {

class ElfFile {
 public:
  explicit ElfFile(const std::string& path) : path_(path) {
    // libelf refuses every call until the version handshake has happened once.
    if (elf_version(EV_CURRENT) == EV_NONE) throw Error("libelf is unusable: " + std::string(elf_errmsg(-1)));
    fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw Error(FileErrorMessage(path, errno));
    struct stat st;
    if (fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
      close(fd_);
      throw Error("not a regular file: " + path);
    }
    elf_ = elf_begin(fd_, ELF_C_READ_MMAP, nullptr);
    if (!elf_ || elf_kind(elf_) != ELF_K_ELF) {
      if (elf_) elf_end(elf_);
      close(fd_);
      throw Error("not an ELF file: " + path);
    }
  }
  ~ElfFile() {
    elf_end(elf_);
    close(fd_);
  }
  ElfFile(const ElfFile&) = delete;
  ElfFile& operator=(const ElfFile&) = delete;

  Elf* elf() const { return elf_; }
  const std::string& path() const { return path_; }

  // The name of a section ("" when it has none or the string table is broken).
  std::string SectionName(const GElf_Shdr& shdr) const {
    size_t shstrndx;
    if (elf_getshdrstrndx(elf_, &shstrndx) != 0) return "";
    const char* n = elf_strptr(elf_, shstrndx, shdr.sh_name);
    return n ? n : "";
  }

 private:
  std::string path_;
  int fd_ = -1;
  Elf* elf_ = nullptr;
};

}  // namespace kscope
