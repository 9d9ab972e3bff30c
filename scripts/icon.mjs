// Draws the extension's icon (media/icon.png, 256x256): three stacked image layers seen from the side, the top
// one highlighted as "cached", on a dark rounded square. Pure Node (zlib), no image library: run
// `node scripts/icon.mjs` to redraw it; the output is deterministic.
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const size = 256;
const pixels = Buffer.alloc(size * size * 4);

/** Paints one pixel with alpha blending over what is already there. */
function blend(x, y, [r, g, b], alpha) {
  if (x < 0 || y < 0 || x >= size || y >= size || alpha <= 0) return;
  const i = (y * size + x) * 4;
  const a0 = pixels[i + 3] / 255;
  const a = alpha + a0 * (1 - alpha);
  const mix = (c, c0) => Math.round((c * alpha + c0 * a0 * (1 - alpha)) / a);
  pixels[i] = mix(r, pixels[i]);
  pixels[i + 1] = mix(g, pixels[i + 1]);
  pixels[i + 2] = mix(b, pixels[i + 2]);
  pixels[i + 3] = Math.round(a * 255);
}

/** Fills the shape `inside(x, y)` (sub-pixel samples give smooth edges). */
function fill(inside, colour) {
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) if (inside(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4)) hits++;
      blend(x, y, colour, hits / 16);
    }
  }
}

const roundedSquare = (x0, y0, x1, y1, r) => (x, y) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};

/** A layer: a flat rhombus (its top face) over a band (its side), centred at (128, top). */
function layer(top, face, side) {
  const halfWidth = 88;
  const halfDepth = 36;
  const thickness = 22;
  const rhombus = (x, y) => Math.abs(x - 128) / halfWidth + Math.abs(y - top) / halfDepth <= 1;
  const band = (x, y) => Math.abs(x - 128) <= halfWidth && y >= top && y <= top + thickness + halfDepth * (1 - Math.abs(x - 128) / halfWidth);
  fill(band, side);
  fill(rhombus, face);
}

fill(roundedSquare(8, 8, 248, 248, 40), [0x1b, 0x2b, 0x41]);
layer(160, [0x4a, 0x5d, 0x78], [0x33, 0x42, 0x57]);
layer(118, [0x5b, 0x7c, 0xa6], [0x3d, 0x55, 0x75]);
layer(76, [0x3f, 0xc6, 0x8a], [0x2a, 0x8c, 0x60]);

/** PNG chunk with its CRC. */
function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  let crc = ~0;
  for (const byte of body) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(~crc >>> 0, body.length + 4);
  return out;
}

const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const rows = Buffer.alloc(size * (size * 4 + 1));
for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(rows, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(fileURLToPath(new URL('../media/icon.png', import.meta.url)), png);
console.log(`media/icon.png: ${png.length} bytes`);
