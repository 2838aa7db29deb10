// Private creators are written only if an element of their block stays: the
// creators (gggg,0010-00FF) of a private group are held back as the walk meets
// them, and once the walk leaves the group (another group, or the end of the
// item) the ones whose blocks kept an element are put in front of the group's
// first written element. A block whose elements all go leaves no creator
// behind, reserving a block that is not there.

import type { DatasetWriter } from "../dicom";
import type { Ancestor } from "./plan";
import { elementPath, hex } from "./record-names";
import type { ObjectRecord } from "./types";

/** A private group at one nesting level whose creators are written only if a block element stays. */
export interface PrivateFrame {
  group: number;
  depth: number;
  /** output offset where the group's first element would go */
  mark: number;
  /** the bytes the creators are in (the input, or a UN value's decoded sequence) */
  source: Uint8Array;
  creators: { slot: number; start: number; end: number }[];
  keptSlots: Set<number>;
}

export class PrivateFrames {
  private readonly frames: PrivateFrame[] = [];

  constructor(
    private readonly out: DatasetWriter,
    private readonly record: ObjectRecord,
    private readonly ancestors: readonly Ancestor[],
  ) {}

  /** Whether creators are held back: the output written since may still move (see close). */
  get pending(): boolean {
    return this.frames.length > 0;
  }

  /** The frame of a private element of `group` at `depth`: the innermost one if it is that group's, else a new one. */
  frameFor(group: number, depth: number, source: Uint8Array): PrivateFrame {
    let frame = this.frames[this.frames.length - 1];
    if (!frame || frame.depth !== depth || frame.group !== group) {
      frame = { group, depth, mark: this.out.length, source, creators: [], keptSlots: new Set() };
      this.frames.push(frame);
    }
    return frame;
  }

  /** Closes the frames the walk has left, on meeting `group` at `depth` (group -1: the end of an item or of the dataset). */
  close(depth: number, group: number): void {
    const frames = this.frames;
    while (frames.length > 0) {
      const f = frames[frames.length - 1]!;
      if (f.depth < depth || (f.depth === depth && f.group === group)) return;
      frames.pop();
      const keep = f.creators.filter((c) => f.keptSlots.has(c.slot));
      if (keep.length === 0) {
        if (f.creators.length > 0) this.record.touched.push({ path: `${elementPath(this.ancestors, f.group << 16, undefined).slice(0, -11)}(${hex(f.group << 16).slice(1, 5)},00xx)`, action: "X", rule: null });
        continue;
      }
      const out = this.out;
      const sink = out.sink;
      const tail = sink.bytes().slice(f.mark, sink.length);
      sink.length = f.mark;
      for (const c of keep) out.copy(f.source, c.start, c.end);
      sink.writeBytes(tail);
    }
  }
}
