// Huffman encoding of a sequential DCT scan (ISO 10918-1 F.1.2) from quantised
// coefficients in zig-zag order, with restart markers where the scan's restart
// interval puts them. The same walk counts symbols, for optimal tables when the
// frame's own tables lack a code the new scan needs.

import { EntropyCodedWriter, magnitudeCategory, type EncodeTable } from "../jpeg-huffman";
import { forEachScanBlock, type DctFrame, type Scan } from "./frame-structure";
import type { Coefficients } from "./huffman-decode";

export interface SymbolCounts {
  /** by table slot: how often each symbol is coded */
  dc: Uint32Array[];
  ac: Uint32Array[];
}

/**
 * How often each DC and AC symbol would be coded, per table slot, when the scan is encoded. The
 * block loop repeats encodeScan's symbol for symbol (as libjpeg's gather pass does): one loop for
 * both, through a callback or a symbol buffer, made encoding 20-30% slower.
 */
export function countScanSymbols(frame: DctFrame, scan: Scan, coefficients: Coefficients): SymbolCounts {
  const counts: SymbolCounts = { dc: [0, 1, 2, 3].map(() => new Uint32Array(256)), ac: [0, 1, 2, 3].map(() => new Uint32Array(256)) };
  const dc = scan.dcSlots.map((slot) => counts.dc[slot]!);
  const ac = scan.acSlots.map((slot) => counts.ac[slot]!);
  const predictions = new Int32Array(scan.components.length);
  forEachScanBlock(
    frame,
    scan,
    (k, ci, index) => {
      const data = coefficients.values[ci]!;
      const offset = index * 64;
      const value = data[offset]!;
      dc[k]![magnitudeCategory(value - predictions[k]!)]!++;
      predictions[k] = value;
      const acCounts = ac[k]!;
      const last = coefficients.last[ci]![index]!;
      let run = 0;
      for (let i = 1; i <= last; i++) {
        const v = data[offset + i]!;
        if (v === 0) {
          run++;
          continue;
        }
        while (run > 15) {
          acCounts[0xf0]!++;
          run -= 16;
        }
        acCounts[(run << 4) | magnitudeCategory(v)]!++;
        run = 0;
      }
      if (last < 63) acCounts[0]!++;
    },
    () => predictions.fill(0),
  );
  return counts;
}

/** A symbol the tables have no code for: encoding stops, the caller builds new tables. */
class MissingCode extends Error {}

/**
 * Encodes the scan with the tables of each slot. Returns the entropy-coded data (restart markers
 * included, last byte padded with one bits), or null when some symbol has no code in its table.
 */
export function encodeScan(frame: DctFrame, scan: Scan, coefficients: Coefficients, dcTables: readonly (EncodeTable | undefined)[], acTables: readonly (EncodeTable | undefined)[], sizeHint: number): Uint8Array | null {
  const writer = new EntropyCodedWriter(sizeHint);
  const dc = scan.dcSlots.map((slot) => dcTables[slot]!);
  const ac = scan.acSlots.map((slot) => acTables[slot]!);
  const predictions = new Int32Array(scan.components.length);
  const code = (table: EncodeTable, symbol: number): void => {
    const size = table.size[symbol]!;
    if (size === 0) throw new MissingCode();
    writer.put(table.code[symbol]!, size);
  };
  try {
    forEachScanBlock(
      frame,
      scan,
      (k, ci, index) => {
        const data = coefficients.values[ci]!;
        const offset = index * 64;
        const value = data[offset]!;
        const diff = value - predictions[k]!;
        predictions[k] = value;
        const t = magnitudeCategory(diff);
        code(dc[k]!, t);
        if (t > 0) writer.putMagnitude(diff, t);
        const acTable = ac[k]!;
        const last = coefficients.last[ci]![index]!;
        let run = 0;
        for (let i = 1; i <= last; i++) {
          const v = data[offset + i]!;
          if (v === 0) {
            run++;
            continue;
          }
          while (run > 15) {
            code(acTable, 0xf0);
            run -= 16;
          }
          const s = magnitudeCategory(v);
          code(acTable, (run << 4) | s);
          writer.putMagnitude(v, s);
          run = 0;
        }
        if (last < 63) code(acTable, 0);
      },
      (mcu) => {
        writer.marker(0xd0 + ((mcu / scan.restartInterval - 1) % 8));
        predictions.fill(0);
      },
    );
  } catch (e) {
    if (e instanceof MissingCode) return null;
    throw e;
  }
  writer.flush();
  return writer.bytes();
}
