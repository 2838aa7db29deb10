// The CTP replacement-script language: literal text with `@name(args)`
// function calls, `\` escaping the next character, and `{...}` clauses after
// `@if`, `@select` and `@append`. This is a port of how CTP splits a script
// (DICOMAnonymizer.makeReplacement and FnCall), quirks included, so that the
// import reads a script exactly as CTP does:
//
//   - a delimiter search counts `(` up and both `,` and `)` down, so an
//     argument that holds a call with two arguments is split wrongly, as in
//     CTP;
//   - an `@` with no `(` anywhere after it makes CTP throw, which quarantines
//     the object (segment `crash`);
//   - arguments without a closing `)` end the script there;
//   - an `@if` or `@select` missing a clause consumes the rest of the script.

export interface CtpCall {
  /** the function name, whitespace removed */
  name: string;
  /** arguments, trimmed, quotes kept (CTP strips them per function) */
  args: string[];
  /** the `{...}` clause of `@if`/`@select` (true) or `@append` */
  trueCode: string;
  /** the second `{...}` clause of `@if`/`@select` */
  falseCode: string;
}

export type ScriptSegment = { kind: "text"; text: string } | { kind: "call"; call: CtpCall } | { kind: "crash" };

/** The script split into text and calls, in order. */
export function splitScript(script: string): ScriptSegment[] {
  const segments: ScriptSegment[] = [];
  let text = "";
  const flush = (): void => {
    if (text !== "") segments.push({ kind: "text", text });
    text = "";
  };
  let escape = false;
  let i = 0;
  while (i < script.length) {
    const c = script[i++]!;
    if (escape) {
      text += c;
      escape = false;
    } else if (c === "\\") {
      escape = true;
    } else if (c === "@") {
      const parsed = parseCall(script.slice(i));
      if (parsed === "crash") {
        flush();
        segments.push({ kind: "crash" });
        return segments;
      }
      if (parsed.length === -1) break;
      i += parsed.length;
      flush();
      segments.push({ kind: "call", call: parsed.call });
    } else {
      text += c;
    }
  }
  flush();
  return segments;
}

/** The call as CTP writes it back for a function it does not know: name and trimmed arguments, no clauses. */
export function callText(call: CtpCall): string {
  return `@${call.name}(${call.args.join(",")})`;
}

/** Removes one pair of enclosing double quotes, as CTP's FnCall.getArg does. */
export function unquote(arg: string): string {
  const t = arg.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

function parseCall(call: string): { call: CtpCall; length: number } | "crash" {
  let k = call.indexOf("(");
  if (k === -1) return "crash";
  const name = call.slice(0, k).replace(/\s/g, "");
  const args: string[] = [];
  let kk = k;
  while ((kk = delimiter(call, kk + 1, ",)", "(")) !== -1) {
    args.push(javaTrim(call.slice(k + 1, kk)));
    k = kk;
    if (call[kk] === ")") break;
  }
  const result: CtpCall = { name, args, trueCode: "", falseCode: "" };
  if (kk === -1) return { call: result, length: -1 };
  let length = kk + 1;

  if (name === "if" || name === "select" || name === "append") {
    const open = call.indexOf("{", kk + 1);
    const close = open === -1 ? -1 : delimiter(call, open + 1, "}", "{");
    if (close === -1) return { call: result, length: call.length };
    result.trueCode = call.slice(open + 1, close);
    if (name === "append") return { call: result, length: close + 1 };
    const open2 = call.indexOf("{", close + 1);
    const close2 = open2 === -1 ? -1 : delimiter(call, open2 + 1, "}", "{");
    if (close2 === -1) return { call: result, length: call.length };
    result.falseCode = call.slice(open2 + 1, close2);
    length = close2 + 1;
  }
  return { call: result, length };
}

/** CTP's FnCall.getDelimiter: the index of the delimiter that closes the open bracket, or -1. */
function delimiter(s: string, from: number, delimiters: string, open: string): number {
  let openCount = 1;
  let bracketCount = 0;
  let inQuote = false;
  let inEscape = false;
  for (let k = from; k < s.length; k++) {
    const c = s[k]!;
    if (inEscape) inEscape = false;
    else if (c === "\\") inEscape = true;
    else if (inQuote) {
      if (c === '"') inQuote = false;
    } else if (c === '"') inQuote = true;
    else if (c === "[") bracketCount++;
    else if (c === "]") bracketCount--;
    else if (c === open) openCount++;
    else if (delimiters.includes(c) && bracketCount === 0) {
      openCount--;
      if (openCount === 0) return k;
    }
  }
  return -1;
}

/** Java's String.trim: strips characters up to U+0020, and nothing else. */
export function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}
