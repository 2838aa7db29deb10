// Reading a CTP DicomAnonymizer script: the XML form CTP's configurator
// writes, `<script>` with `<p>` parameters, `<e>` element rules, `<k>` keep
// rules, `<r>` remove rules and comments, in document order. Each item keeps
// the span of its XML element so findings point at it.
//
// What CTP takes from each element (DAScript.makeProperties): `<p t=NAME>`
// gives a parameter whose value is the element's text, untrimmed; `<e>` gives
// the script for the tag in `t`, its text trimmed; `<k>` and `<r>` give a
// switch named by `t`. Only `en="T"` enables an `<e>`, `<k>` or `<r>`.

import { DOMParser } from "@xmldom/xmldom";
import type { Span } from "../../syntax/ast";
import type { ImportSource } from "../source";
import { javaTrim } from "./calls";

interface ItemBase {
  span: Span;
  /** 1-based line of the item's start tag */
  line: number;
}

export type CtpItem =
  | (ItemBase & { kind: "comment"; text: string })
  | (ItemBase & { kind: "param"; name: string; value: string })
  | (ItemBase & { kind: "element"; enabled: boolean; tag: string; name: string; script: string })
  | (ItemBase & { kind: "keep"; enabled: boolean; target: string })
  | (ItemBase & { kind: "remove"; enabled: boolean; target: string })
  | (ItemBase & { kind: "other"; element: string });

export type CtpReadResult = { ok: true; items: CtpItem[] } | { ok: false; message: string; span: Span };

interface LocatedNode {
  lineNumber?: number;
  columnNumber?: number;
}

export function readCtpScript(source: ImportSource): CtpReadResult {
  if (!/^\s*</.test(source.text)) {
    return { ok: false, message: "not a CTP script in XML form (`<script>` with `<e>`, `<k>`, `<r>` and `<p>` elements)", span: source.lineSpan(1) };
  }
  let failure: { message: string; line: number; column: number } | null = null;
  let document: ReturnType<DOMParser["parseFromString"]>;
  try {
    document = new DOMParser({
      onError: (level, message) => {
        // Warnings (an undeclared entity, say) do not stop CTP's parser either; errors do.
        if (level !== "warning" && failure === null) failure = { message: String(message).split("\n")[0]!, line: 1, column: 1 };
      },
    }).parseFromString(source.text, "text/xml");
  } catch (error) {
    const located = error as { message?: string; locator?: { lineNumber?: number; columnNumber?: number } };
    const line = located.locator?.lineNumber ?? 1;
    return { ok: false, message: `the XML is not well-formed: ${String(located.message ?? error).split("\n")[0]}`, span: source.lineSpan(line) };
  }
  if (failure !== null) {
    const f = failure as { message: string; line: number };
    return { ok: false, message: `the XML is not well-formed: ${f.message}`, span: source.lineSpan(f.line) };
  }
  const root = document.documentElement;
  if (!root || root.nodeName !== "script") {
    return { ok: false, message: `the root element is \`${root?.nodeName ?? "missing"}\`, not \`script\``, span: source.lineSpan(1) };
  }

  const items: CtpItem[] = [];
  for (let node = root.firstChild; node !== null; node = node.nextSibling) {
    const located = node as unknown as LocatedNode;
    const line = located.lineNumber ?? 1;
    const start = source.offsetOf(line, located.columnNumber ?? 1);
    if (node.nodeType === node.COMMENT_NODE) {
      const text = node.nodeValue ?? "";
      items.push({ kind: "comment", text, line, span: { start, end: spanEnd(source.text, start, "-->") } });
      continue;
    }
    if (node.nodeType !== node.ELEMENT_NODE) continue;
    const element = node as unknown as { nodeName: string; getAttribute(name: string): string | null; textContent: string | null };
    const span = { start, end: elementEnd(source.text, start, element.nodeName) };
    const enabled = element.getAttribute("en") === "T";
    const t = element.getAttribute("t") ?? "";
    switch (element.nodeName) {
      case "p":
        items.push({ kind: "param", name: t, value: element.textContent ?? "", line, span });
        break;
      case "e":
        items.push({ kind: "element", enabled, tag: t, name: element.getAttribute("n") ?? "", script: javaTrim(element.textContent ?? ""), line, span });
        break;
      case "k":
        items.push({ kind: "keep", enabled, target: t, line, span });
        break;
      case "r":
        items.push({ kind: "remove", enabled, target: t, line, span });
        break;
      default:
        items.push({ kind: "other", element: element.nodeName, line, span });
    }
  }
  return { ok: true, items };
}

function spanEnd(text: string, start: number, terminator: string): number {
  const at = text.indexOf(terminator, start);
  return at < 0 ? text.length : at + terminator.length;
}

/** End offset of the element whose start tag begins at `start`: after `/>` or after its end tag. */
function elementEnd(text: string, start: number, name: string): number {
  let quote: string | null = null;
  let i = start;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ">") break;
  }
  if (i >= text.length) return text.length;
  if (text[i - 1] === "/") return i + 1;
  const close = text.indexOf(`</${name}`, i);
  if (close < 0) return i + 1;
  const gt = text.indexOf(">", close);
  return gt < 0 ? text.length : gt + 1;
}
