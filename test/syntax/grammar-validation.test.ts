// The bundled CLI skips Chevrotain's grammar validations to start faster
// (scripts/build.mjs); the suite runs from source with them on, so a grammar
// change that makes the parser ambiguous or left-recursive still fails here.

import { describe, expect, it } from "vitest";
import { deidParser } from "../../grammar/parser";
import { SKIP_GRAMMAR_VALIDATION, deidLexer } from "../../grammar/tokens";

describe("grammar validation", () => {
  it("is on when the tests run", () => {
    expect(SKIP_GRAMMAR_VALIDATION).toBe(false);
  });

  it("finds no problem in the parser or the lexer", () => {
    // Chevrotain throws from the constructors when a validation fails.
    expect(() => deidParser()).not.toThrow();
    expect(() => deidLexer.tokenize("deid 1\n")).not.toThrow();
  });

  it("builds the parser once", () => {
    expect(deidParser()).toBe(deidParser());
  });
});
