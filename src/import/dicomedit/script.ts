// Reading an XNAT DicomEdit 6 script into statements. The language (the
// DE6Lexer/DE6Parser grammars of NrgXnat's dicom-edit6) is line-based:
//
//   version "6.3"                              the script's language version
//   (0010,0010) := "ANON"                       assignment (creates the element)
//   (0010,0010) ?= "ANON"                       assignment when the element exists
//   -(0010,1030)                               deletion
//   site := "ACME"                             a variable
//   describe site "Site name"                  a variable the user is asked for
//   (0008,0060) = "MR" ? -(0008,1030) : ...     a one-line conditional
//   if ((0008,0060) = "MR") { ... } elseif (...) { ... } else { ... }
//   removeAllPrivateTags, retainPrivateTags[...], alterPixels[...]  procedures
//   echo ..., export name "field"               output only
//
// Values are strings, numbers, tag paths, variables and function calls
// `name[arg, ...]`. Tag paths are elements `(gggg,eeee)` (hex digits, `X`
// any digit, `@` even, `#` odd; private `(gggg,{creator}ee)`) with an item
// index `[n]` or `[%]`, joined by `/`, and the level wildcards `*` (any
// number of levels), `+` (at least one) and `.` (exactly one).

import type { Span } from "../../syntax/ast";

export type DeStep =
  | { kind: "element"; group: string; element: string; creator: string | null; item: number | "any" | null; text: string }
  | { kind: "levels"; wildcard: "*" | "+" | "." };

export interface DeTagPath {
  steps: DeStep[];
  text: string;
}

export type DeValue =
  | { kind: "string"; text: string }
  | { kind: "number"; text: string }
  | { kind: "tag"; path: DeTagPath }
  | { kind: "variable"; name: string }
  | { kind: "call"; name: string; args: DeValue[]; text: string }
  /** DicomEdit 6.6 `{a, b, ...}` */
  | { kind: "list"; items: DeValue[] };

export type DeOperator = "=" | "!=" | "~" | "!~";

export interface DeCondition {
  left: DeValue;
  /** null for a function that is itself the condition: `true[]`, `isPresent[(0010,0010)]` */
  op: DeOperator | null;
  right: DeValue | null;
  text: string;
}

interface StatementBase {
  line: number;
  span: Span;
  /** a `//` comment after the statement on its line */
  trailing?: string;
  /** the statement's source text, for comments in the output */
  text: string;
}

export type DeStatement =
  | (StatementBase & { kind: "version"; version: string })
  | (StatementBase & { kind: "describe"; name: string; how: string })
  | (StatementBase & { kind: "export"; name: string; field: string })
  | (StatementBase & { kind: "echo" })
  | (StatementBase & { kind: "removeAllPrivateTags" })
  | (StatementBase & { kind: "assign"; target: DeTagPath; value: DeValue; ifExists: boolean })
  | (StatementBase & { kind: "delete"; target: DeTagPath })
  | (StatementBase & { kind: "variable"; name: string; value: DeValue })
  | (StatementBase & { kind: "procedure"; name: string; args: DeValue[] })
  | (StatementBase & { kind: "conditional"; branches: { condition: DeCondition | null; body: DeStatement[] }[] })
  | (StatementBase & { kind: "comment"; comment: string });

export type DeReadResult = { ok: true; statements: DeStatement[] } | { ok: false; message: string; offset: number };

type TokenKind = "string" | "number" | "tag" | "name" | "op" | "newline" | "comment" | "eof";

interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
  /** the decoded string, for `string` tokens */
  value?: string;
}

class SyntaxFailure extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const TAG_DIGIT = "[0-9A-Fa-fXx@#]";
const PUBLIC_TAG = new RegExp(`^\\(\\s*(${TAG_DIGIT}{4})\\s*,\\s*(${TAG_DIGIT}{4})\\s*\\)`);
const PRIVATE_TAG = new RegExp(`^\\(\\s*(${TAG_DIGIT}{4})\\s*,\\s*\\{([^}]*)\\}\\s*(${TAG_DIGIT}{2})\\s*\\)`);
const OPERATORS = [":=", "?=", "!=", "!~", "=", "~", "?", ":", "-", "[", "]", "{", "}", "(", ")", ",", "/", "*", "+", ".", "%", ";"];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\f") {
      i++;
      continue;
    }
    if (c === "\r" || c === "\n") {
      const start = i;
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
      tokens.push({ kind: "newline", text: "\n", start, end: i });
      continue;
    }
    if (text.startsWith("//", i)) {
      let end = i;
      while (end < text.length && text[end] !== "\n" && text[end] !== "\r") end++;
      tokens.push({ kind: "comment", text: text.slice(i + 2, end), start: i, end });
      i = end;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let value = "";
      while (j < text.length && text[j] !== c) {
        if (text[j] === "\n") throw new SyntaxFailure("a string is not closed on its line", i);
        if (text[j] === "\\" && j + 1 < text.length) {
          const e = text[j + 1]!;
          value += e === "n" ? "\n" : e === "t" ? "\t" : e === "r" ? "\r" : e;
          j += 2;
          continue;
        }
        value += text[j];
        j++;
      }
      if (j >= text.length) throw new SyntaxFailure("a string is not closed", i);
      tokens.push({ kind: "string", text: text.slice(i, j + 1), start: i, end: j + 1, value });
      i = j + 1;
      continue;
    }
    if (c === "(") {
      const rest = text.slice(i, i + 200);
      const m = PRIVATE_TAG.exec(rest) ?? PUBLIC_TAG.exec(rest);
      if (m) {
        tokens.push({ kind: "tag", text: m[0], start: i, end: i + m[0].length });
        i += m[0].length;
        continue;
      }
    }
    const number = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?![A-Za-z_])/.exec(text.slice(i, i + 40));
    if (number && (c !== "-" || lastSignificant(tokens)?.kind === "op")) {
      tokens.push({ kind: "number", text: number[0], start: i, end: i + number[0].length });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 200));
    if (name) {
      tokens.push({ kind: "name", text: name[0], start: i, end: i + name[0].length });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: "op", text: op, start: i, end: i + op.length });
      i += op.length;
      continue;
    }
    throw new SyntaxFailure(`unexpected character \`${c}\``, i);
  }
  tokens.push({ kind: "eof", text: "", start: text.length, end: text.length });
  return tokens;
}

function lastSignificant(tokens: Token[]): Token | undefined {
  for (let k = tokens.length - 1; k >= 0; k--) if (tokens[k]!.kind !== "comment") return tokens[k];
  return undefined;
}

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
    private readonly lineOf: (offset: number) => number,
  ) {}

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]!;
  }
  private next(): Token {
    return this.tokens[this.pos++]!;
  }
  private isOp(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === "op" && t.text === text;
  }
  private expectOp(text: string): Token {
    const t = this.next();
    if (t.kind !== "op" || t.text !== text) throw new SyntaxFailure(`expected \`${text}\`, found ${describe(t)}`, t.start);
    return t;
  }

  script(): DeStatement[] {
    return this.statements(false);
  }

  /** Statements up to the end of the script, or to a `}` when inside a block. */
  private statements(inBlock: boolean): DeStatement[] {
    const out: DeStatement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === "eof") {
        if (inBlock) throw new SyntaxFailure("a `{` block is not closed", t.start);
        return out;
      }
      if (t.kind === "newline" || (t.kind === "op" && t.text === ";")) {
        this.next();
        continue;
      }
      if (t.kind === "comment") {
        this.next();
        out.push({ kind: "comment", comment: t.text, line: this.lineOf(t.start), span: { start: t.start, end: t.end }, text: t.text });
        continue;
      }
      if (inBlock && t.kind === "op" && t.text === "}") return out;
      const statement = this.statement();
      out.push(statement);
      const after = this.peek();
      if (after.kind === "comment" && this.lineOf(after.start) === statement.line) {
        this.next();
        statement.trailing = after.text.trim();
        // A one-line conditional's comment describes its actions too.
        if (statement.kind === "conditional") for (const b of statement.branches) for (const inner of b.body) if (inner.line === statement.line) inner.trailing ??= statement.trailing;
        continue;
      }
      if (!(after.kind === "newline" || after.kind === "eof" || after.kind === "comment" || (after.kind === "op" && (after.text === ";" || after.text === "}")))) {
        throw new SyntaxFailure(`expected the end of the statement, found ${describe(after)}`, after.start);
      }
    }
  }

  private finish<T extends { kind: string }>(start: number, body: T): T & StatementBase {
    const end = this.tokens[this.pos - 1]!.end;
    return { ...body, line: this.lineOf(start), span: { start, end }, text: this.text.slice(start, end).replace(/\s+/g, " ").trim() };
  }

  private statement(): DeStatement {
    const t = this.peek();
    const start = t.start;
    if (t.kind === "name") {
      switch (t.text) {
        case "version": {
          this.next();
          const v = this.next();
          if (v.kind !== "string" && v.kind !== "number") throw new SyntaxFailure("`version` takes a string, e.g. `version \"6.3\"`", v.start);
          return this.finish(start, { kind: "version", version: v.value ?? v.text });
        }
        case "describe": {
          this.next();
          const name = this.next();
          if (name.kind !== "name") throw new SyntaxFailure("`describe` names a variable", name.start);
          const how = this.next();
          if (how.kind !== "string" && how.kind !== "name") throw new SyntaxFailure("`describe` takes a description string, `hidden`, `const` or `immutable`", how.start);
          return this.finish(start, { kind: "describe", name: name.text, how: how.value ?? how.text });
        }
        case "export": {
          this.next();
          const name = this.next();
          const field = this.next();
          if (name.kind !== "name" || field.kind !== "string") throw new SyntaxFailure("`export` takes a variable and a field name string", name.start);
          return this.finish(start, { kind: "export", name: name.text, field: field.value! });
        }
        case "echo": {
          this.next();
          while (!this.atStatementEnd()) this.next();
          return this.finish(start, { kind: "echo" });
        }
        case "removeAllPrivateTags":
          this.next();
          if (this.isOp("[")) {
            this.next();
            this.expectOp("]");
          }
          return this.finish(start, { kind: "removeAllPrivateTags" });
        case "if":
          return this.ifStatement();
      }
      if (this.isOp(":=", 1) || this.isOp("?=", 1)) {
        this.next();
        this.next();
        return this.finish(start, { kind: "variable", name: t.text, value: this.value() });
      }
    }
    if (t.kind === "op" && t.text === "-") {
      this.next();
      return this.finish(start, { kind: "delete", target: this.tagPath() });
    }
    // An assignment, a procedure call, or the condition of a one-line conditional.
    const left = this.value();
    if (this.isOp(":=") || this.isOp("?=")) {
      const op = this.next();
      if (left.kind !== "tag") throw new SyntaxFailure("only a tag path can be assigned to", start);
      return this.finish(start, { kind: "assign", target: left.path, value: this.value(), ifExists: op.text === "?=" });
    }
    const op = this.conditionOperator();
    if (op || (left.kind === "call" && this.isOp("?"))) {
      const right = op ? this.value() : null;
      const condition: DeCondition = { left, op, right, text: this.text.slice(start, this.tokens[this.pos - 1]!.end).trim() };
      this.expectOp("?");
      const whenTrue = this.action();
      const branches: { condition: DeCondition | null; body: DeStatement[] }[] = [{ condition, body: [whenTrue] }];
      if (this.isOp(":")) {
        this.next();
        branches.push({ condition: null, body: [this.action()] });
      }
      return this.finish(start, { kind: "conditional", branches });
    }
    if (left.kind === "call") return this.finish(start, { kind: "procedure", name: left.name, args: left.args });
    throw new SyntaxFailure(`expected a statement, found ${describe(t)}`, t.start);
  }

  /** The action of a one-line conditional: one statement, no nested conditional. */
  private action(): DeStatement {
    const s = this.statement();
    if (s.kind === "conditional" || s.kind === "version") throw new SyntaxFailure("a conditional's action is an assignment, a deletion, a variable or a procedure", s.span.start);
    return s;
  }

  private ifStatement(): DeStatement {
    const start = this.next().start;
    const branches: { condition: DeCondition | null; body: DeStatement[] }[] = [];
    branches.push({ condition: this.parenthesisedCondition(), body: this.block() });
    for (;;) {
      const save = this.pos;
      while (this.peek().kind === "newline") this.next();
      const t = this.peek();
      if (t.kind === "name" && t.text === "elseif") {
        this.next();
        branches.push({ condition: this.parenthesisedCondition(), body: this.block() });
      } else if (t.kind === "name" && t.text === "else") {
        this.next();
        if (this.peek().kind === "name" && this.peek().text === "if") {
          this.next();
          branches.push({ condition: this.parenthesisedCondition(), body: this.block() });
          continue;
        }
        branches.push({ condition: null, body: this.block() });
        break;
      } else {
        this.pos = save;
        break;
      }
    }
    return this.finish(start, { kind: "conditional", branches });
  }

  private parenthesisedCondition(): DeCondition {
    const open = this.isOp("(");
    if (open) this.next();
    const start = this.peek().start;
    const left = this.value();
    const op = this.conditionOperator();
    if (!op && left.kind !== "call") throw new SyntaxFailure("expected `=`, `!=`, `~` or `!~` in a condition", this.peek().start);
    const right = op ? this.value() : null;
    const condition: DeCondition = { left, op, right, text: this.text.slice(start, this.tokens[this.pos - 1]!.end).trim() };
    if (open) this.expectOp(")");
    return condition;
  }

  private block(): DeStatement[] {
    while (this.peek().kind === "newline") this.next();
    this.expectOp("{");
    const body = this.statements(true);
    this.expectOp("}");
    return body;
  }

  private conditionOperator(): DeOperator | null {
    const t = this.peek();
    if (t.kind === "op" && (t.text === "=" || t.text === "!=" || t.text === "~" || t.text === "!~")) {
      this.next();
      return t.text;
    }
    return null;
  }

  private atStatementEnd(): boolean {
    const t = this.peek();
    return t.kind === "newline" || t.kind === "eof" || t.kind === "comment" || (t.kind === "op" && (t.text === ";" || t.text === "}" || t.text === ":"));
  }

  private value(): DeValue {
    const t = this.peek();
    if (t.kind === "string") {
      this.next();
      return { kind: "string", text: t.value! };
    }
    if (t.kind === "number") {
      this.next();
      return { kind: "number", text: t.text };
    }
    if (t.kind === "tag" || (t.kind === "op" && (t.text === "*" || t.text === "+" || t.text === "."))) return { kind: "tag", path: this.tagPath() };
    if (t.kind === "op" && t.text === "{") {
      this.next();
      const items: DeValue[] = [];
      while (this.peek().kind === "newline") this.next();
      while (!this.isOp("}")) {
        items.push(this.value());
        while (this.peek().kind === "newline") this.next();
        if (!this.isOp(",")) break;
        this.next();
        while (this.peek().kind === "newline") this.next();
      }
      this.expectOp("}");
      return { kind: "list", items };
    }
    if (t.kind === "name") {
      this.next();
      if (this.isOp("[")) {
        this.next();
        const args: DeValue[] = [];
        while (this.peek().kind === "newline") this.next();
        if (!this.isOp("]")) {
          for (;;) {
            args.push(this.value());
            while (this.peek().kind === "newline") this.next();
            if (this.isOp(",")) {
              this.next();
              while (this.peek().kind === "newline") this.next();
              continue;
            }
            break;
          }
        }
        const close = this.expectOp("]");
        return { kind: "call", name: t.text, args, text: this.text.slice(t.start, close.end) };
      }
      // DicomEdit 4's `new UID` survives in some 6.x scripts.
      if (t.text === "new" && this.peek().kind === "name") {
        const what = this.next();
        return { kind: "call", name: `new ${what.text}`, args: [], text: this.text.slice(t.start, what.end) };
      }
      return { kind: "variable", name: t.text };
    }
    throw new SyntaxFailure(`expected a value (a string, a number, a tag path, a variable or a function), found ${describe(t)}`, t.start);
  }

  private tagPath(): DeTagPath {
    const start = this.peek().start;
    const steps: DeStep[] = [];
    for (;;) {
      const t = this.next();
      if (t.kind === "tag") {
        const p = PRIVATE_TAG.exec(t.text);
        const m = p ?? PUBLIC_TAG.exec(t.text)!;
        let item: number | "any" | null = null;
        if (this.isOp("[")) {
          this.next();
          const i = this.next();
          if (i.kind === "number" && /^[0-9]+$/.test(i.text)) item = parseInt(i.text, 10);
          else if (i.kind === "op" && i.text === "%") item = "any";
          else throw new SyntaxFailure("an item index is a number or `%`", i.start);
          this.expectOp("]");
        }
        steps.push(p ? { kind: "element", group: p[1]!, element: p[3]!, creator: p[2]!.trim(), item, text: t.text } : { kind: "element", group: m[1]!, element: m[2]!, creator: null, item, text: t.text });
      } else if (t.kind === "op" && (t.text === "*" || t.text === "+" || t.text === ".")) {
        steps.push({ kind: "levels", wildcard: t.text });
      } else {
        throw new SyntaxFailure(`expected a tag such as \`(0010,0010)\`, found ${describe(t)}`, t.start);
      }
      if (!this.isOp("/")) break;
      this.next();
    }
    return { steps, text: this.text.slice(start, this.tokens[this.pos - 1]!.end).replace(/\s+/g, "") };
  }
}

function describe(t: Token): string {
  if (t.kind === "eof") return "the end of the script";
  if (t.kind === "newline") return "the end of the line";
  return `\`${t.text}\``;
}

export function readDicomEditScript(text: string, lineOf: (offset: number) => number): DeReadResult {
  // DicomEdit joins a line ending in a backslash to the next before it parses; offsets are mapped back.
  const offsets: number[] = [];
  let joined = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\" && (text[i + 1] === "\n" || (text[i + 1] === "\r" && text[i + 2] === "\n"))) {
      i += text[i + 1] === "\r" ? 2 : 1;
      continue;
    }
    offsets.push(i);
    joined += text[i];
  }
  offsets.push(text.length);
  const original = (offset: number): number => offsets[Math.min(offset, offsets.length - 1)]!;
  try {
    const parser = new Parser(tokenize(joined), joined, (offset) => lineOf(original(offset)));
    const statements = parser.script();
    if (joined.length !== text.length) for (const s of statements) remap(s, original);
    return { ok: true, statements };
  } catch (error) {
    if (error instanceof SyntaxFailure) return { ok: false, message: error.message, offset: original(error.offset) };
    throw error;
  }
}

function remap(s: DeStatement, original: (offset: number) => number): void {
  s.span = { start: original(s.span.start), end: original(s.span.end) };
  if (s.kind === "conditional") for (const b of s.branches) for (const inner of b.body) remap(inner, original);
}
