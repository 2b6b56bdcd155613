// Frame names → dense ids, looked up straight from a folded stack string ("a;b;c") by range,
// without creating a string per frame: an FNV-1a hash over the characters, an open-addressing
// table, and a startsWith check (no allocation) to confirm. A Map keyed by sliced strings
// spent most of a speedscope export creating and hashing 2.5M short-lived slices.
export class FrameTable {
  readonly names: string[] = [];
  private readonly hashes: number[] = [];
  private slots = new Int32Array(1 << 12).fill(-1);
  private mask = (1 << 12) - 1;

  /** The id of s[from, to), adding it when new. */
  idOf(s: string, from: number, to: number): number {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    h >>>= 0;
    const len = to - from;
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const id = this.slots[slot];
      if (id < 0) {
        const nid = this.names.length;
        this.names.push(s.slice(from, to));
        this.hashes.push(h);
        this.slots[slot] = nid;
        if (this.names.length * 2 > this.slots.length) this.grow();
        return nid;
      }
      if (this.hashes[id] === h) {
        const name = this.names[id];
        if (name.length === len && s.startsWith(name, from)) return id;
      }
    }
  }

  /** Ids of every frame of a folded stack, root first, into `out` (cleared first). */
  stackIds(stack: string, out: number[]): number[] {
    out.length = 0;
    let from = 0;
    for (;;) {
      const semi = stack.indexOf(';', from);
      const to = semi < 0 ? stack.length : semi;
      out.push(this.idOf(stack, from, to));
      if (semi < 0) return out;
      from = semi + 1;
    }
  }

  private grow(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let id = 0; id < this.names.length; id++) {
      let slot = this.hashes[id] & this.mask;
      while (this.slots[slot] >= 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = id;
    }
  }
}
