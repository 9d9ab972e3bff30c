// File names that are not valid UTF-8, kept lossless in the core's string paths.
//
// Linux file names are bytes; Docker reads, sorts and hashes them as bytes. Node decodes names as UTF-8 by
// default and turns every invalid byte into U+FFFD, which loses the name (two files can share one mangled
// name, and the mangled name no longer opens the file). Here a name is decoded the way Python's
// "surrogateescape" does (PEP 383): valid UTF-8 stays as it is, and each byte that is not part of a valid
// sequence becomes the lone surrogate U+DC80..U+DCFF. A valid UTF-8 name never holds a lone surrogate, so
// the mapping is one-to-one and `nameBytes` gives the exact bytes back, for fs calls (as a Buffer path) and
// for hashing (digests then change exactly when Docker's, which hash the bytes, would).
import { isUtf8 } from 'node:buffer';

/** Whether a string holds a lone surrogate (then it came from bytes that are not UTF-8). */
export function hasEscapes(s: string): boolean {
  return !(s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** The string form of a file name read as bytes (see the module comment). */
export function decodeName(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const len = sequenceLength(bytes, i);
    if (len > 0) {
      out += bytes.toString('utf8', i, i + len);
      i += len;
    } else {
      out += String.fromCharCode(0xdc00 + bytes[i]);
      i++;
    }
  }
  return out;
}

/** The length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function sequenceLength(b: Buffer, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (k: number) => i + k < b.length && (b[i + k] & 0xc0) === 0x80;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    const d = b[i + 1];
    if (c === 0xe0 && d < 0xa0) return 0; // overlong
    if (c === 0xed && d >= 0xa0) return 0; // a UTF-16 surrogate
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const d = b[i + 1];
    if (c === 0xf0 && d < 0x90) return 0;
    if (c === 0xf4 && d >= 0x90) return 0;
    return 4;
  }
  return 0;
}

/** The bytes a string path stands for: its UTF-8, with each escaped byte (U+DC80..U+DCFF alone) restored. */
export function nameBytes(s: string): Buffer {
  if (!hasEscapes(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++; // a valid pair
        continue;
      }
    }
    if (c >= 0xdc80 && c <= 0xdcff) {
      if (i > start) parts.push(Buffer.from(s.slice(start, i), 'utf8'));
      parts.push(Buffer.of(c - 0xdc00));
      start = i + 1;
    }
  }
  if (start < s.length) parts.push(Buffer.from(s.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** What to hand to Hash.update for a name or a record holding one: the string, or its exact bytes. */
export function hashable(s: string): string | Buffer {
  return hasEscapes(s) ? nameBytes(s) : s;
}

/** A name for messages: escaped bytes shown as \xNN. */
export function displayName(s: string): string {
  return hasEscapes(s) ? s.replace(/(?<![\ud800-\udbff])[\udc80-\udcff]/g, (c) => `\\x${(c.charCodeAt(0) - 0xdc00).toString(16)}`) : s;
}
