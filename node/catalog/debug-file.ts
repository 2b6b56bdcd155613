// The detached debug file of an ELF object (libc6-dbg's /usr/lib/debug/.build-id/93/ac61….debug
// for a stripped libc), found as bcc — and so bpftrace -l — finds it: by the GNU build-id note,
// else by .gnu_debuglink next to the file, in its .debug/ folder or under /usr/lib/debug.
// bpftrace lists the functions of both files (libc's static malloc_consolidate only exists in
// the debug file), so kscope must read both to list what bpftrace lists.
import fs from 'node:fs';
import path from 'node:path';

const NT_GNU_BUILD_ID = 3;
const SHT_NOTE = 7;

interface Section {
  name: string;
  type: number;
  offset: number;
  size: number;
}

/** The section headers of a 64-bit little-endian ELF file (null for anything else). */
function sections(fd: number): Section[] | null {
  const h = Buffer.alloc(64);
  if (fs.readSync(fd, h, 0, 64, 0) < 64) return null;
  if (h.readUInt32BE(0) !== 0x7f454c46 || h[4] !== 2 || h[5] !== 1) return null;
  const shoff = Number(h.readBigUInt64LE(0x28));
  const shentsize = h.readUInt16LE(0x3a);
  const shnum = h.readUInt16LE(0x3c);
  const shstrndx = h.readUInt16LE(0x3e);
  if (shoff === 0 || shnum === 0 || shentsize < 64 || shnum > 4096 || shstrndx >= shnum) return null;
  const table = Buffer.alloc(shentsize * shnum);
  if (fs.readSync(fd, table, 0, table.length, shoff) < table.length) return null;
  const raw = [];
  for (let i = 0; i < shnum; i++) {
    const o = i * shentsize;
    raw.push({ nameOff: table.readUInt32LE(o), type: table.readUInt32LE(o + 4), offset: Number(table.readBigUInt64LE(o + 0x18)), size: Number(table.readBigUInt64LE(o + 0x20)) });
  }
  const strs = raw[shstrndx];
  if (strs.size > 1 << 20) return null;
  const names = Buffer.alloc(strs.size);
  fs.readSync(fd, names, 0, strs.size, strs.offset);
  return raw.map((s) => {
    const end = names.indexOf(0, s.nameOff);
    return { name: names.toString('latin1', s.nameOff, end < 0 ? names.length : end), type: s.type, offset: s.offset, size: s.size };
  });
}

function readSection(fd: number, s: Section, max = 1 << 16): Buffer | null {
  if (s.size > max) return null;
  const b = Buffer.alloc(s.size);
  fs.readSync(fd, b, 0, s.size, s.offset);
  return b;
}

/** The GNU build-id in hex, from the object's note sections. */
function buildId(fd: number, secs: Section[]): string | null {
  for (const s of secs) {
    if (s.type !== SHT_NOTE) continue;
    const b = readSection(fd, s);
    if (!b) continue;
    let o = 0;
    while (o + 12 <= b.length) {
      const namesz = b.readUInt32LE(o);
      const descsz = b.readUInt32LE(o + 4);
      const type = b.readUInt32LE(o + 8);
      const nameAt = o + 12;
      const descAt = nameAt + ((namesz + 3) & ~3);
      if (descAt + descsz > b.length) break;
      if (type === NT_GNU_BUILD_ID && b.toString('latin1', nameAt, nameAt + namesz) === 'GNU\0' && descsz > 0) return b.toString('hex', descAt, descAt + descsz);
      o = descAt + ((descsz + 3) & ~3);
    }
  }
  return null;
}

const isFile = (p: string) => {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
};

/** The debug file holding `file`'s full symbol table, or null. Never throws. */
export function debugFileFor(file: string, debugRoot = '/usr/lib/debug'): string | null {
  let fd: number | null = null;
  try {
    fd = fs.openSync(file, 'r');
    const secs = sections(fd);
    if (!secs) return null;
    const id = buildId(fd, secs);
    if (id && id.length > 2) {
      const p = path.join(debugRoot, '.build-id', id.slice(0, 2), `${id.slice(2)}.debug`);
      if (isFile(p)) return p;
    }
    const link = secs.find((s) => s.name === '.gnu_debuglink');
    const b = link ? readSection(fd, link, 4096) : null;
    if (b) {
      const end = b.indexOf(0);
      const name = b.toString('latin1', 0, end < 0 ? b.length : end);
      if (name && !name.includes('/')) {
        const real = fs.realpathSync(file);
        const dir = path.dirname(real);
        for (const p of [path.join(dir, name), path.join(dir, '.debug', name), path.join(debugRoot, dir, name)]) if (p !== real && isFile(p)) return p;
      }
    }
    return null;
  } catch {
    return null;
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}
