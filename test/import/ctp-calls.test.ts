// How the import splits a CTP script into text and function calls: as CTP
// does (DICOMAnonymizer.makeReplacement, FnCall), quirks included, since the
// import must read every script exactly as CTP reads it.

import { describe, expect, it } from "vitest";
import { callText, splitScript } from "../../src/import/ctp/calls";

describe("CTP script splitting", () => {
  it("splits text and calls, trimming arguments", () => {
    expect(splitScript("ANON-@hash( this , 8 )")).toEqual([
      { kind: "text", text: "ANON-" },
      { kind: "call", call: { name: "hash", args: ["this", "8"], trueCode: "", falseCode: "" } },
    ]);
  });

  it("treats a backslash as an escape of the next character", () => {
    expect(splitScript("a\\@keep()b")).toEqual([{ kind: "text", text: "a@keep()b" }]);
  });

  it("reads the clauses of @if, @select and @append", () => {
    expect(splitScript("@if(this,isblank){@remove()}{x}")[0]).toEqual({ kind: "call", call: { name: "if", args: ["this", "isblank"], trueCode: "@remove()", falseCode: "x" } });
    expect(splitScript("@append(){more}tail")).toEqual([
      { kind: "call", call: { name: "append", args: [""], trueCode: "more", falseCode: "" } },
      { kind: "text", text: "tail" },
    ]);
  });

  it("lets an @if without its second clause consume the rest of the script, as CTP does", () => {
    expect(splitScript("@if(this,isblank){a} and more")).toEqual([{ kind: "call", call: { name: "if", args: ["this", "isblank"], trueCode: "a", falseCode: "" } }]);
  });

  it("splits an argument holding a two-argument call wrongly, as CTP does", () => {
    expect(splitScript("@f(g(a,b),c)")).toEqual([
      { kind: "call", call: { name: "f", args: ["g(a,b"], trueCode: "", falseCode: "" } },
      { kind: "text", text: ",c)" },
    ]);
  });

  it("ends the script at arguments without a closing parenthesis", () => {
    expect(splitScript("x@hash(this")).toEqual([{ kind: "text", text: "x" }]);
  });

  it("marks an @ with no parenthesis after it, on which CTP throws", () => {
    expect(splitScript("user@example.com")).toEqual([{ kind: "text", text: "user" }, { kind: "crash" }]);
  });

  it("writes a call back as CTP does for a function it does not know", () => {
    expect(callText({ name: "scramble", args: ["this", "2"], trueCode: "", falseCode: "" })).toBe("@scramble(this,2)");
  });
});
