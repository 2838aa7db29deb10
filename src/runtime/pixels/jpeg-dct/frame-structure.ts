// What a DCT-Huffman JPEG frame (ISO 10918-1 sequential, SOF0 or SOF1) is made
// of, read from the marker segments the marker walk found: sample precision,
// components and their sampling factors, the quantisation table and Huffman
// tables in force for each scan, restart intervals, and where each scan's
// entropy-coded data lies. Tables can be redefined between scans, so each scan
// records the ones in force when it starts. Also the order in which a scan
// codes its blocks, which the decoder and the encoder both follow.

import { PixelError } from "../errors";
import type { HuffmanSpec } from "../jpeg-huffman";

const SOF0 = 0xc0;
const SOF1 = 0xc1;
const DHT = 0xc4;
const DQT = 0xdb;
const DRI = 0xdd;
const SOS = 0xda;
const DNL = 0xdc;
const APP0 = 0xe0;
const APP14 = 0xee;

/** A marker segment as JpegScanner records it. */
export interface SegmentPosition {
  marker: number;
  /** first byte of the segment, fill bytes included */
  start: number;
  /** first byte after the marker and its length */
  payload: number;
  end: number;
}

export interface FrameComponent {
  id: number;
  h: number;
  v: number;
  quantTable: number;
  /** blocks per row and column of the component's block grid, padded to whole MCUs */
  blocksWide: number;
  blocksHigh: number;
  /** blocks a non-interleaved scan codes (ISO 10918-1 A.2.2): the component's own extent */
  codedWide: number;
  codedHigh: number;
  /** the quantiser of the DC coefficient in force when the component's scan starts */
  dcQuantiser: number;
}

export interface Scan {
  /** indices into DctFrame.components, in scan order */
  components: number[];
  /** per scan component: DC and AC table slot */
  dcSlots: number[];
  acSlots: number[];
  /** tables in force at this scan, by slot (undefined when not defined) */
  dcTables: (HuffmanSpec | undefined)[];
  acTables: (HuffmanSpec | undefined)[];
  restartInterval: number;
  /** index of the SOS segment in the segment list */
  segmentIndex: number;
  /** entropy-coded data [dataStart, dataEnd): from after the SOS header to the next marker (restart markers included) */
  dataStart: number;
  dataEnd: number;
}

export interface DctFrame {
  marker: number;
  precision: 8 | 12;
  width: number;
  height: number;
  components: FrameComponent[];
  maxH: number;
  maxV: number;
  mcusWide: number;
  mcusHigh: number;
  scans: Scan[];
  /** the colour model of three-component data as decoders infer it (JFIF, Adobe APP14, component ids) */
  colour: "grey" | "ycbcr" | "rgb";
}

/**
 * Calls `block` for every block of the scan in coding order (ISO 10918-1 A.2: scan component k,
 * frame component ci, block index in the component's grid), and `restart` with the number of the
 * first MCU of each new restart interval. Decoding, counting and encoding all walk a scan this way.
 */
export function forEachScanBlock(frame: DctFrame, scan: Scan, block: (k: number, ci: number, index: number) => void, restart: (mcu: number) => void): void {
  const n = scan.components.length;
  const interval = scan.restartInterval;
  if (n === 1) {
    const ci = scan.components[0]!;
    const c = frame.components[ci]!;
    let mcu = 0;
    for (let by = 0; by < c.codedHigh; by++) {
      for (let bx = 0; bx < c.codedWide; bx++, mcu++) {
        if (interval > 0 && mcu > 0 && mcu % interval === 0) restart(mcu);
        block(0, ci, by * c.blocksWide + bx);
      }
    }
    return;
  }
  let mcu = 0;
  for (let my = 0; my < frame.mcusHigh; my++) {
    for (let mx = 0; mx < frame.mcusWide; mx++, mcu++) {
      if (interval > 0 && mcu > 0 && mcu % interval === 0) restart(mcu);
      for (let k = 0; k < n; k++) {
        const ci = scan.components[k]!;
        const c = frame.components[ci]!;
        for (let v = 0; v < c.v; v++) {
          const row = (my * c.v + v) * c.blocksWide + mx * c.h;
          for (let h = 0; h < c.h; h++) block(k, ci, row + h);
        }
      }
    }
  }
}

/** A frame header marker by name and process, for messages. */
export function sofName(marker: number): string {
  const names: Record<number, string> = {
    0xc0: "baseline DCT (SOF0)",
    0xc1: "extended sequential DCT (SOF1)",
    0xc2: "progressive DCT (SOF2)",
    0xc3: "lossless (SOF3)",
    0xc5: "hierarchical sequential DCT (SOF5)",
    0xc6: "hierarchical progressive DCT (SOF6)",
    0xc7: "hierarchical lossless (SOF7)",
    0xc9: "arithmetic-coded sequential DCT (SOF9)",
    0xca: "arithmetic-coded progressive DCT (SOF10)",
    0xcb: "arithmetic-coded lossless (SOF11)",
    0xcd: "hierarchical arithmetic-coded sequential DCT (SOF13)",
    0xce: "hierarchical arithmetic-coded progressive DCT (SOF14)",
    0xcf: "hierarchical arithmetic-coded lossless (SOF15)",
    0xf7: "JPEG-LS (SOF55)",
  };
  return names[marker] ?? `0xFF${marker.toString(16).toUpperCase()}`;
}

export function isFrameHeader(marker: number): boolean {
  return (marker >= 0xc0 && marker <= 0xcf && marker !== DHT && marker !== 0xc8 && marker !== 0xcc) || marker === 0xf7;
}

const u16 = (b: Uint8Array, p: number): number => (b[p]! << 8) | b[p + 1]!;

function identifierAt(b: Uint8Array, s: SegmentPosition): string {
  let text = "";
  for (let i = s.payload; i < s.end && i < s.payload + 6; i++) {
    if (b[i] === 0) break;
    text += String.fromCharCode(b[i]!);
  }
  return text;
}

/**
 * Reads the structure of one frame (`b` from SOI; `segments` and `eoi` from JpegScanner).
 * Throws PixelError "needs-codec" when the frame is not SOF0/SOF1 (progressive, lossless,
 * hierarchical, arithmetic-coded), "malformed" when tables or headers contradict each other.
 */
export function readDctFrame(b: Uint8Array, segments: readonly SegmentPosition[], eoi: number, frameNumber: number): DctFrame {
  const at = `JPEG frame ${frameNumber}`;
  const quantTables: (Uint16Array | undefined)[] = [];
  const dcTables: (HuffmanSpec | undefined)[] = [];
  const acTables: (HuffmanSpec | undefined)[] = [];
  let restartInterval = 0;
  let frame: DctFrame | null = null;
  let jfif = false;
  let adobeTransform = -1;
  const scans: Scan[] = [];
  const dcQuantisersSet = new Set<number>();

  for (const [index, s] of segments.entries()) {
    const length = s.end - s.payload;
    const marker = s.marker;
    if (marker === APP0 && identifierAt(b, s) === "JFIF") jfif = true;
    if (marker === APP14 && identifierAt(b, s).startsWith("Adobe") && length >= 12) adobeTransform = b[s.payload + 11]!;
    if (isFrameHeader(marker)) {
      if (frame) throw new PixelError("malformed", `${at} has a second frame header (${sofName(marker)}) at byte ${s.start}`);
      if (marker !== SOF0 && marker !== SOF1) {
        throw new PixelError("needs-codec", `${at} is ${sofName(marker)}: deidc blanks rectangles only in sequential DCT JPEG with Huffman coding (SOF0, SOF1); this process needs a JPEG codec, which deidc does not have: quarantine the object`);
      }
      frame = readFrameHeader(b, s, marker, at);
      continue;
    }
    if (marker === DQT) {
      let p = s.payload;
      while (p < s.end) {
        const pq = b[p]! >> 4;
        const tq = b[p]! & 15;
        const size = pq === 0 ? 64 : 128;
        if (tq > 3 || pq > 1 || p + 1 + size > s.end) throw new PixelError("malformed", `${at}: invalid quantisation table at byte ${p}`);
        const table = new Uint16Array(64);
        for (let k = 0; k < 64; k++) table[k] = pq === 0 ? b[p + 1 + k]! : u16(b, p + 1 + 2 * k);
        quantTables[tq] = table;
        p += 1 + size;
      }
      continue;
    }
    if (marker === DHT) {
      let p = s.payload;
      while (p < s.end) {
        const tc = b[p]! >> 4;
        const th = b[p]! & 15;
        if (p + 17 > s.end || tc > 1 || th > 3) throw new PixelError("malformed", `${at}: invalid Huffman table header at byte ${p}`);
        const counts = b.slice(p + 1, p + 17);
        const n = counts.reduce((a, c) => a + c, 0);
        if (n > 256 || p + 17 + n > s.end) throw new PixelError("malformed", `${at}: Huffman table at byte ${p} runs past its segment`);
        const spec = { counts, symbols: b.slice(p + 17, p + 17 + n) };
        (tc === 0 ? dcTables : acTables)[th] = spec;
        p += 17 + n;
      }
      continue;
    }
    if (marker === DRI) {
      if (length < 2) throw new PixelError("malformed", `${at}: DRI segment too short`);
      restartInterval = u16(b, s.payload);
      continue;
    }
    if (marker === DNL) throw new PixelError("unsupported", `${at} gives its number of lines in a DNL marker after the first scan; deidc does not blank such frames`);
    if (marker === SOS) {
      if (!frame) throw new PixelError("malformed", `${at}: a scan starts before the frame header`);
      const f: DctFrame = frame;
      const ns = b[s.payload]!;
      if (ns < 1 || ns > 4 || s.payload + 1 + 2 * ns + 3 > s.end) throw new PixelError("malformed", `${at}: invalid scan header at byte ${s.start}`);
      const components: number[] = [];
      const dcSlots: number[] = [];
      const acSlots: number[] = [];
      for (let i = 0; i < ns; i++) {
        const id = b[s.payload + 1 + 2 * i]!;
        const tables = b[s.payload + 2 + 2 * i]!;
        const index = f.components.findIndex((c) => c.id === id);
        if (index < 0) throw new PixelError("malformed", `${at}: the scan at byte ${s.start} names component ${id}, which the frame header does not define`);
        const td = tables >> 4;
        const ta = tables & 15;
        if (!dcTables[td] || !acTables[ta]) throw new PixelError("malformed", `${at}: the scan at byte ${s.start} uses a Huffman table that is not defined`);
        components.push(index);
        dcSlots.push(td);
        acSlots.push(ta);
        const component = f.components[index]!;
        const q = quantTables[component.quantTable];
        if (!q) throw new PixelError("malformed", `${at}: quantisation table ${component.quantTable} of component ${id} is not defined before its scan`);
        if (dcQuantisersSet.has(index)) throw new PixelError("needs-codec", `${at}: component ${id} appears in more than one scan, which sequential DCT does not allow (a progressive stream?): quarantine the object`);
        dcQuantisersSet.add(index);
        component.dcQuantiser = q[0]!;
      }
      // Ss, Se, Ah/Al must be 0, 63, 0 in sequential mode; some writers (GE) put other values and
      // decoders ignore them, as they are ignored here.
      if (ns > 1 && components.reduce((n, i) => n + f.components[i]!.h * f.components[i]!.v, 0) > 10) throw new PixelError("malformed", `${at}: an MCU of the scan at byte ${s.start} has more than 10 blocks`);
      const next = segments[index + 1];
      const dataEnd = next ? next.start : eoiDataEnd(b, eoi);
      scans.push({ components, dcSlots, acSlots, dcTables: [...dcTables], acTables: [...acTables], restartInterval, segmentIndex: index, dataStart: s.end, dataEnd });
    }
  }
  if (!frame) throw new PixelError("malformed", `${at} has no frame header`);
  if (scans.length === 0) throw new PixelError("malformed", `${at} has no scan`);
  const missing = frame.components.filter((_, i) => !dcQuantisersSet.has(i));
  if (missing.length > 0) throw new PixelError("malformed", `${at}: component ${missing[0]!.id} is in no scan`);
  frame.scans = scans;
  if (frame.components.length === 3) frame.colour = colourOf(frame, jfif, adobeTransform);
  return frame;
}

/** Where the entropy-coded data before EOI ends: fill bytes 0xFF before the EOI marker are not data. */
function eoiDataEnd(b: Uint8Array, eoi: number): number {
  let end = eoi;
  while (end > 0 && b[end - 1] === 0xff) end--;
  return end;
}

/**
 * How decoders read three components (libjpeg's rule): JFIF means YCbCr, an Adobe segment says
 * which with its transform flag, components named 'R', 'G', 'B' are RGB, anything else YCbCr.
 */
function colourOf(frame: DctFrame, jfif: boolean, adobeTransform: number): "ycbcr" | "rgb" {
  if (jfif) return "ycbcr";
  if (adobeTransform >= 0) return adobeTransform === 0 ? "rgb" : "ycbcr";
  const ids = frame.components.map((c) => c.id);
  return ids[0] === 0x52 && ids[1] === 0x47 && ids[2] === 0x42 ? "rgb" : "ycbcr";
}

function readFrameHeader(b: Uint8Array, s: SegmentPosition, marker: number, at: string): DctFrame {
  const p = s.payload;
  if (s.end - p < 6) throw new PixelError("malformed", `${at}: frame header too short`);
  const precision = b[p]!;
  const height = u16(b, p + 1);
  const width = u16(b, p + 3);
  const n = b[p + 5]!;
  if (precision !== 8 && !(precision === 12 && marker === SOF1)) throw new PixelError("malformed", `${at}: sample precision ${precision} is not allowed in ${sofName(marker)}`);
  if (height === 0) throw new PixelError("unsupported", `${at} gives its number of lines in a DNL marker after the first scan; deidc does not blank such frames`);
  if (width === 0 || n < 1 || n > 4 || s.end - p < 6 + 3 * n) throw new PixelError("malformed", `${at}: invalid frame header (${width} x ${height}, ${n} components)`);
  const raw: { id: number; h: number; v: number; tq: number }[] = [];
  for (let i = 0; i < n; i++) {
    const q = p + 6 + 3 * i;
    const h = b[q + 1]! >> 4;
    const v = b[q + 1]! & 15;
    if (h < 1 || h > 4 || v < 1 || v > 4 || b[q + 2]! > 3) throw new PixelError("malformed", `${at}: component ${b[q]} has sampling factors ${h}x${v} or quantisation table ${b[q + 2]}`);
    raw.push({ id: b[q]!, h, v, tq: b[q + 2]! });
  }
  const maxH = Math.max(...raw.map((c) => c.h));
  const maxV = Math.max(...raw.map((c) => c.v));
  const mcusWide = Math.ceil(width / (8 * maxH));
  const mcusHigh = Math.ceil(height / (8 * maxV));
  const components: FrameComponent[] = raw.map((c) => ({
    id: c.id,
    h: c.h,
    v: c.v,
    quantTable: c.tq,
    blocksWide: mcusWide * c.h,
    blocksHigh: mcusHigh * c.v,
    codedWide: Math.ceil(Math.ceil((width * c.h) / maxH) / 8),
    codedHigh: Math.ceil(Math.ceil((height * c.v) / maxV) / 8),
    dcQuantiser: 0,
  }));
  return { marker, precision: precision as 8 | 12, width, height, components, maxH, maxV, mcusWide, mcusHigh, scans: [], colour: "grey" };
}
