// Bytes → text for imports, by the file's byte-order mark as speedscope and editors read it:
// UTF-16 LE (FF FE), UTF-16 BE (FE FF), UTF-8 with (EF BB BF) or without a BOM. Windows
// tools (PowerShell's `>`, Visual Studio) write folded stacks as UTF-16 LE with a BOM.
// Chunked: a character or the BOM split between reads is joined. Pure (Buffer only).
import { StringDecoder } from 'node:string_decoder';

export type TextEncodingName = 'utf8' | 'utf16le' | 'utf16be';

export class ImportTextDecoder {
  private head: Buffer | null = Buffer.alloc(0);
  private decoder: StringDecoder | null = null;
  private swap = false;
  /** Set once the first bytes were seen. */
  encoding: TextEncodingName | null = null;

  write(chunk: Buffer): string {
    if (this.head !== null) {
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < 3) return '';
      chunk = this.start(this.head);
      this.head = null;
    }
    return this.decode(chunk);
  }

  end(): string {
    let out = '';
    if (this.head !== null) {
      const h = this.head;
      this.head = null;
      out = this.decode(this.start(h));
    }
    if (this.swap && this.odd) throw new Error('the UTF-16 text ends in the middle of a character');
    return out + this.decoder!.end();
  }

  private odd: Buffer | null = null;

  /** Picks the encoding from the BOM; returns the bytes after it. */
  private start(b: Buffer): Buffer {
    if (b[0] === 0xff && b[1] === 0xfe) {
      this.encoding = 'utf16le';
      this.decoder = new StringDecoder('utf16le');
      return b.subarray(2);
    }
    if (b[0] === 0xfe && b[1] === 0xff) {
      this.encoding = 'utf16be';
      this.swap = true;
      this.decoder = new StringDecoder('utf16le');
      return b.subarray(2);
    }
    this.encoding = 'utf8';
    this.decoder = new StringDecoder('utf8');
    return b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b;
  }

  private decode(b: Buffer): string {
    if (!this.swap) return this.decoder!.write(b);
    // UTF-16 BE: swap byte pairs into LE (an odd byte waits for the next chunk).
    if (this.odd) {
      b = Buffer.concat([this.odd, b]);
      this.odd = null;
    }
    const even = b.length & ~1;
    if (even < b.length) this.odd = Buffer.from(b.subarray(even));
    const le = Buffer.from(b.subarray(0, even));
    le.swap16();
    return this.decoder!.write(le);
  }
}

/** A whole buffer as import text (BOM-aware). */
export function decodeImportText(b: Buffer): string {
  const d = new ImportTextDecoder();
  return d.write(b) + d.end();
}
