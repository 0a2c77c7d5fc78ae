/**
 * A small QR code encoder (ISO/IEC 18004, byte mode, versions 1-40), no network and no package,
 * shared by the printer drivers and the screens (the kiosk's e-ticket and guide QR codes): the
 * spooler path and the screens draw it as an inline SVG, and the ESC/POS layout uses the
 * version table to pick a module size that fits the paper. Data is UTF-8 bytes, as the
 * printer's own `GS ( k` encoder receives it, so both paths encode the same payload.
 */
export type QrEcLevel = 'L' | 'M' | 'Q' | 'H';

const ECL_ORDINAL: Record<QrEcLevel, number> = { L: 0, M: 1, Q: 2, H: 3 };
/** The two format bits of each level (not in alphabetical order: M is 00). */
const ECL_FORMAT_BITS: Record<QrEcLevel, number> = { L: 1, M: 0, Q: 3, H: 2 };

// Index 0 unused. Rows: L, M, Q, H.
const ECC_CODEWORDS_PER_BLOCK: readonly (readonly number[])[] = [
  [-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
  [-1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  [-1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
];
const NUM_ERROR_CORRECTION_BLOCKS: readonly (readonly number[])[] = [
  [-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
  [-1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
  [-1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
];

function table(t: readonly (readonly number[])[], ecl: QrEcLevel, version: number): number {
  return t[ECL_ORDINAL[ecl]]![version]!;
}

/** Modules available for data and error correction (everything but function patterns). */
function numRawDataModules(version: number): number {
  let result = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const numAlign = Math.floor(version / 7) + 2;
    result -= (25 * numAlign - 10) * numAlign - 55;
    if (version >= 7) result -= 36;
  }
  return result;
}

function numDataCodewords(version: number, ecl: QrEcLevel): number {
  return Math.floor(numRawDataModules(version) / 8) - table(ECC_CODEWORDS_PER_BLOCK, ecl, version) * table(NUM_ERROR_CORRECTION_BLOCKS, ecl, version);
}

/** How many bytes fit in byte mode at this version and level. */
export function qrByteCapacity(version: number, ecl: QrEcLevel): number {
  const header = 4 + (version < 10 ? 8 : 16);
  return Math.floor((numDataCodewords(version, ecl) * 8 - header) / 8);
}

/** The smallest version holding `byteLength` bytes, or undefined when none does. */
export function qrVersionFor(byteLength: number, ecl: QrEcLevel): number | undefined {
  for (let v = 1; v <= 40; v++) if (byteLength <= qrByteCapacity(v, ecl)) return v;
  return undefined;
}

/** Modules per side of a version (without the quiet zone). */
export function qrSize(version: number): number {
  return version * 4 + 17;
}

export interface QrMatrix {
  version: number;
  ecLevel: QrEcLevel;
  mask: number;
  size: number;
  /** Row-major, 1 = dark. */
  modules: Uint8Array;
}

export function qrDark(m: QrMatrix, x: number, y: number): boolean {
  return m.modules[y * m.size + x] === 1;
}

// ---- Reed-Solomon over GF(256), primitive polynomial 0x11D ----

function gfMul(x: number, y: number): number {
  let z = 0;
  for (let i = 7; i >= 0; i--) {
    z = (z << 1) ^ ((z >>> 7) * 0x11d);
    z ^= ((y >>> i) & 1) * x;
  }
  return z & 0xff;
}

function rsDivisor(degree: number): number[] {
  const result = new Array<number>(degree).fill(0);
  result[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      result[j] = gfMul(result[j]!, root);
      if (j + 1 < degree) result[j] = result[j]! ^ result[j + 1]!;
    }
    root = gfMul(root, 0x02);
  }
  return result;
}

function rsRemainder(data: readonly number[], divisor: readonly number[]): number[] {
  const result = divisor.map(() => 0);
  for (const b of data) {
    const factor = b ^ result.shift()!;
    result.push(0);
    for (let i = 0; i < divisor.length; i++) result[i] = result[i]! ^ gfMul(divisor[i]!, factor);
  }
  return result;
}

// ---- encoding ----

export function encodeQr(data: Uint8Array | string, ecLevel: QrEcLevel = 'M', forceMask?: number): QrMatrix {
  const bytes = typeof data === 'string' ? utf8(data) : data;
  const version = qrVersionFor(bytes.length, ecLevel);
  if (version === undefined) throw new RangeError(`QR data too long: ${bytes.length} bytes (level ${ecLevel} holds at most ${qrByteCapacity(40, ecLevel)})`);

  // Bit stream: mode 0100, count, data, terminator, padding.
  const bits: number[] = [];
  const put = (value: number, len: number) => {
    for (let i = len - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  put(0b0100, 4);
  put(bytes.length, version < 10 ? 8 : 16);
  for (const b of bytes) put(b, 8);
  const capacityBits = numDataCodewords(version, ecLevel) * 8;
  put(0, Math.min(4, capacityBits - bits.length));
  put(0, (8 - (bits.length % 8)) % 8);
  for (let pad = 0xec; bits.length < capacityBits; pad ^= 0xec ^ 0x11) put(pad, 8);
  const dataCodewords: number[] = [];
  for (let i = 0; i < bits.length; i += 8) {
    let b = 0;
    for (let j = 0; j < 8; j++) b = (b << 1) | bits[i + j]!;
    dataCodewords.push(b);
  }

  // Blocks with their error correction, interleaved.
  const numBlocks = table(NUM_ERROR_CORRECTION_BLOCKS, ecLevel, version);
  const eccLen = table(ECC_CODEWORDS_PER_BLOCK, ecLevel, version);
  const rawCodewords = Math.floor(numRawDataModules(version) / 8);
  const numShortBlocks = numBlocks - (rawCodewords % numBlocks);
  const shortBlockLen = Math.floor(rawCodewords / numBlocks);
  const divisor = rsDivisor(eccLen);
  const blocks: Array<{ data: number[]; ecc: number[] }> = [];
  for (let i = 0, k = 0; i < numBlocks; i++) {
    const len = shortBlockLen - eccLen + (i < numShortBlocks ? 0 : 1);
    const dat = dataCodewords.slice(k, k + len);
    k += len;
    blocks.push({ data: dat, ecc: rsRemainder(dat, divisor) });
  }
  const all: number[] = [];
  const maxData = shortBlockLen - eccLen + 1;
  for (let i = 0; i < maxData; i++) for (const b of blocks) if (i < b.data.length) all.push(b.data[i]!);
  for (let i = 0; i < eccLen; i++) for (const b of blocks) all.push(b.ecc[i]!);

  const size = qrSize(version);
  const modules = new Uint8Array(size * size);
  const isFunction = new Uint8Array(size * size);
  const setF = (x: number, y: number, dark: boolean) => {
    modules[y * size + x] = dark ? 1 : 0;
    isFunction[y * size + x] = 1;
  };

  // Timing patterns, then finders (they overwrite the timing where they meet).
  for (let i = 0; i < size; i++) {
    setF(6, i, i % 2 === 0);
    setF(i, 6, i % 2 === 0);
  }
  const finder = (cx: number, cy: number) => {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const x = cx + dx;
        const y = cy + dy;
        if (x < 0 || y < 0 || x >= size || y >= size) continue;
        const dist = Math.max(Math.abs(dx), Math.abs(dy));
        setF(x, y, dist !== 2 && dist !== 4);
      }
    }
  };
  finder(3, 3);
  finder(size - 4, 3);
  finder(3, size - 4);
  const align = alignmentPositions(version);
  for (let i = 0; i < align.length; i++) {
    for (let j = 0; j < align.length; j++) {
      const last = align.length - 1;
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) continue;
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) setF(align[i]! + dx, align[j]! + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
    }
  }
  // Reserve the format areas (drawn for real once the mask is chosen) and the version blocks.
  drawFormat(setF, size, ecLevel, 0);
  if (version >= 7) {
    let rem = version;
    for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
    const vbits = (version << 12) | rem;
    for (let i = 0; i < 18; i++) {
      const bit = ((vbits >>> i) & 1) === 1;
      const a = size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      setF(a, b, bit);
      setF(b, a, bit);
    }
  }

  // Codewords in the zigzag, two columns at a time, skipping the vertical timing column.
  let bitIndex = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let vert = 0; vert < size; vert++) {
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        const upward = ((right + 1) & 2) === 0;
        const y = upward ? size - 1 - vert : vert;
        if (isFunction[y * size + x] || bitIndex >= all.length * 8) continue;
        modules[y * size + x] = (all[bitIndex >>> 3]! >>> (7 - (bitIndex & 7))) & 1;
        bitIndex++;
      }
    }
  }

  // Pick the mask with the lowest penalty (or the forced one).
  let bestMask = forceMask ?? -1;
  if (bestMask < 0) {
    let best = Infinity;
    for (let mask = 0; mask < 8; mask++) {
      applyMask(modules, isFunction, size, mask);
      drawFormat(setF, size, ecLevel, mask);
      const p = penalty(modules, size);
      if (p < best) {
        best = p;
        bestMask = mask;
      }
      applyMask(modules, isFunction, size, mask); // XOR again undoes it
    }
  }
  applyMask(modules, isFunction, size, bestMask);
  drawFormat(setF, size, ecLevel, bestMask);
  return { version, ecLevel, mask: bestMask, size, modules };
}

function alignmentPositions(version: number): number[] {
  if (version === 1) return [];
  const numAlign = Math.floor(version / 7) + 2;
  const step = Math.floor((version * 8 + numAlign * 3 + 5) / (numAlign * 4 - 4)) * 2;
  const result = [6];
  for (let pos = qrSize(version) - 7; result.length < numAlign; pos -= step) result.splice(1, 0, pos);
  return result;
}

function drawFormat(setF: (x: number, y: number, dark: boolean) => void, size: number, ecl: QrEcLevel, mask: number): void {
  const data = (ECL_FORMAT_BITS[ecl] << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  const bits = ((data << 10) | rem) ^ 0x5412;
  const bit = (i: number) => ((bits >>> i) & 1) === 1;
  for (let i = 0; i <= 5; i++) setF(8, i, bit(i));
  setF(8, 7, bit(6));
  setF(8, 8, bit(7));
  setF(7, 8, bit(8));
  for (let i = 9; i < 15; i++) setF(14 - i, 8, bit(i));
  for (let i = 0; i < 8; i++) setF(size - 1 - i, 8, bit(i));
  for (let i = 8; i < 15; i++) setF(8, size - 15 + i, bit(i));
  setF(8, size - 8, true); // the dark module
}

function maskBit(mask: number, x: number, y: number): boolean {
  switch (mask) {
    case 0:
      return (x + y) % 2 === 0;
    case 1:
      return y % 2 === 0;
    case 2:
      return x % 3 === 0;
    case 3:
      return (x + y) % 3 === 0;
    case 4:
      return (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0;
    case 5:
      return ((x * y) % 2) + ((x * y) % 3) === 0;
    case 6:
      return (((x * y) % 2) + ((x * y) % 3)) % 2 === 0;
    default:
      return (((x + y) % 2) + ((x * y) % 3)) % 2 === 0;
  }
}

function applyMask(modules: Uint8Array, isFunction: Uint8Array, size: number, mask: number): void {
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      if (!isFunction[i] && maskBit(mask, x, y)) modules[i] = modules[i]! ^ 1;
    }
  }
}

/** The four penalty rules of the standard (runs, 2x2 blocks, finder look-alikes, balance). */
function penalty(m: Uint8Array, size: number): number {
  let result = 0;
  const at = (x: number, y: number) => m[y * size + x]!;
  const finderA = [1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0];
  const finderB = [0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1];
  for (let pass = 0; pass < 2; pass++) {
    const get = pass === 0 ? (i: number, j: number) => at(j, i) : (i: number, j: number) => at(i, j);
    for (let i = 0; i < size; i++) {
      let run = 1;
      for (let j = 1; j <= size; j++) {
        if (j < size && get(i, j) === get(i, j - 1)) run++;
        else {
          if (run >= 5) result += 3 + (run - 5);
          run = 1;
        }
      }
      for (let j = 0; j + 11 <= size; j++) {
        let a = true;
        let b = true;
        for (let k = 0; k < 11; k++) {
          const v = get(i, j + k);
          if (v !== finderA[k]) a = false;
          if (v !== finderB[k]) b = false;
        }
        if (a) result += 40;
        if (b) result += 40;
      }
    }
  }
  let dark = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      dark += at(x, y);
      if (x + 1 < size && y + 1 < size) {
        const c = at(x, y);
        if (c === at(x + 1, y) && c === at(x, y + 1) && c === at(x + 1, y + 1)) result += 3;
      }
    }
  }
  const total = size * size;
  const k = Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1;
  result += Math.max(0, k) * 10;
  return result;
}

/** The matrix as an SVG (one path, crisp edges), with the 4-module quiet zone. */
export function qrToSvg(m: QrMatrix, opts: { sizeCss?: string; quiet?: number; title?: string } = {}): string {
  const quiet = opts.quiet ?? 4;
  const dim = m.size + quiet * 2;
  let d = '';
  for (let y = 0; y < m.size; y++) {
    for (let x = 0; x < m.size; x++) if (qrDark(m, x, y)) d += `M${x + quiet} ${y + quiet}h1v1h-1z`;
  }
  const size = opts.sizeCss ? ` width="${opts.sizeCss}" height="${opts.sizeCss}"` : '';
  const title = opts.title ? `<title>${opts.title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</title>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${dim} ${dim}"${size} shape-rendering="crispEdges">${title}<rect width="${dim}" height="${dim}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`;
}

/** UTF-8 bytes of a string (shared/ has no TextEncoder type: it runs without DOM or Node types). */
function utf8(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}
