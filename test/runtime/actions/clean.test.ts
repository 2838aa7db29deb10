import { describe, expect, it } from "vitest";
import {
  DEFAULT_REPLACEMENT_MARK,
  ageRenderings,
  dateRenderings,
  makeCleaner,
  personNameTokens,
  sexWords,
} from "../../../src/runtime/actions/clean";
import { randomInt, seededRandom } from "./random";

const PATIENT = "Smith^John^Quincy^Dr^Jr";
const IDENTIFIERS = [
  ...personNameTokens(PATIENT),
  "PID4711",
  "ACC-77",
  ...dateRenderings("19700412"),
  "Memorial Hospital",
  "Springfield",
];

describe("makeCleaner", () => {
  const clean = makeCleaner(IDENTIFIERS);

  it("cleans the PS3.15 E.3.5 example", () => {
    expect(clean("CT chest abdomen pelvis - 55F Dr. Smith")).toBe("CT chest abdomen pelvis - 55F Dr. **");
  });

  it("removes identifiers ignoring case, as whole tokens only", () => {
    expect(clean("seen by JOHN smith")).toBe("seen by **");
    expect(clean("Smithson and Johnny stay")).toBe("Smithson and Johnny stay");
    expect(clean("smith's report")).toBe("**'s report");
    expect(clean("ref PID4711, acc ACC-77.")).toBe("ref **, acc **.");
    expect(clean("XPID4711 stays")).toBe("XPID4711 stays");
  });

  it("removes names in any order and multi-word identifiers across whitespace", () => {
    expect(clean("Smith John Quincy")).toBe("**");
    expect(clean("John Quincy Smith was here")).toBe("** was here");
    expect(clean("at Memorial\tHospital")).toBe("at **");
    expect(clean("Springfield general")).toBe("** general");
  });

  it("falls back to a shorter identifier when a longer one is not a whole token", () => {
    const c = makeCleaner(["John Smith", "John"]);
    expect(c("John Smithson came")).toBe("** Smithson came");
    expect(c("John Smith came")).toBe("** came");
  });

  it("matches identifiers that start or end with punctuation", () => {
    const c = makeCleaner(["#4711", "(Jr.)", "ACC-77/B"]);
    expect(c("case #4711 ok, x#4711 too")).toBe("case ** ok, x** too");
    expect(c("Smith (Jr.) here")).toBe("Smith ** here");
    expect(c("acc-77/b and ACC-77/BC")).toBe("** and ACC-77/BC");
  });

  it("handles characters outside the Basic Multilingual Plane", () => {
    const c = makeCleaner(["𠮷野", "Anna"]);
    expect(c("𠮷野 and 𠮷野家 and Anna𠮷")).toBe("** and 𠮷野家 and Anna𠮷");
  });

  it("unites overlapping shape and identifier matches", () => {
    const c = makeCleaner(["john.smith", "smith"]);
    expect(c("mail john.smith@example.org now")).toBe("mail ** now");
    expect(c("Smith 555-123-4567 Smith")).toBe("**");
  });

  it("is accent-sensitive", () => {
    const c = makeCleaner(["Müller"]);
    expect(c("Dr MÜLLER and Dr Muller")).toBe("Dr ** and Dr Muller");
  });

  it("ignores identifiers shorter than two characters", () => {
    const c = makeCleaner(["Smith^J^A", ...personNameTokens("Smith^J^A"), "A", " "]);
    expect(c("A J Smith had a CT")).toBe("A J ** had a CT");
  });

  it("removes dates in several formats", () => {
    for (const date of [
      "19700412",
      "1970-04-12",
      "12/04/1970",
      "04/12/1970",
      "12.04.1970",
      "2021/3/9",
      "3-9-21",
      "15 March 2020",
      "15-MAR-2020",
      "March 15, 2020",
      "Mar 15 2020",
      "1st Jan 2020",
      "March 2020",
      "Sep1999",
      "sept.2021",
    ]) {
      expect(clean(`on ${date} ok`), date).toBe("on ** ok");
    }
  });

  it("removes phone numbers, e-mail addresses, UIDs and long numbers", () => {
    expect(clean("call +1 (555) 123-4567 now")).toBe("call ** now");
    expect(clean("tel 030 1234567")).toBe("tel **");
    expect(clean("tel 555.123.4567.")).toBe("tel **.");
    expect(clean("mail john.doe+x@example.co.uk today")).toBe("mail ** today");
    expect(clean("uid 1.2.840.113619.2.55.3 here")).toBe("uid ** here");
    expect(clean("host 192.168.0.12 here")).toBe("host ** here");
    expect(clean("MRN 12345 and ID A99887766")).toBe("MRN ** and ID A**");
  });

  it("leaves ordinary numbers and measurements alone", () => {
    for (const text of ["Mayo 2020 protocol", "Decimal1999", "BP 120/80", "slice 1.25 mm", "3 mm", "120 80", "T2 FLAIR 5 mm", "Series 1234", "dose 2.5 mSv", "v1.2.3"]) {
      expect(clean(text)).toBe(text);
    }
  });

  it("keeps multiple values apart", () => {
    expect(clean("SMITH\\other\\19700412")).toBe("**\\other\\**");
  });

  it("does not merge removals across lines", () => {
    expect(clean("Smith\nJohn")).toBe("**\n**");
  });

  it("never makes text longer with the default replacement mark", () => {
    expect(DEFAULT_REPLACEMENT_MARK.length).toBeLessThanOrEqual(2);
    const random = seededRandom(41);
    const pieces = ["Jo", "Smith", "12345", "a", "CT", "1970-04-12", "x@y.zz", " ", "  ", "-", "ok"];
    const c = makeCleaner(["Jo", "Smith"]);
    for (let i = 0; i < 500; i++) {
      let text = "";
      for (let j = randomInt(random, 1, 12); j > 0; j--) text += pieces[randomInt(random, 0, pieces.length - 1)];
      expect(c(text).length).toBeLessThanOrEqual(text.length);
    }
  });

  it("takes another replacementMark, literally", () => {
    const c = makeCleaner(["Smith"], { replacementMark: "[removed $&]" });
    expect(c("Dr Smith")).toBe("Dr [removed $&]");
    const empty = makeCleaner(["Smith"], { replacementMark: "" });
    expect(empty("Dr Smith ok")).toBe("Dr  ok");
    expect(() => makeCleaner([], { replacementMark: "a\\b" })).toThrow(RangeError);
  });

  it("treats regular-expression characters in identifiers literally", () => {
    const c = makeCleaner(["O'Brien (Jr.)", "a+b", "x.*"]);
    expect(c("Mr O'Brien (Jr.) and a+b but not aab or xyz")).toBe("Mr ** and ** but not aab or xyz");
  });

  it("returns the empty string unchanged and works with no identifiers", () => {
    expect(clean("")).toBe("");
    expect(makeCleaner([])("call 555-123-4567, ok")).toBe("call **, ok");
  });

  it("removes every identifier token and keeps every other word (property)", () => {
    const random = seededRandom(42);
    const safeWords = ["CT", "chest", "abdomen", "contrast", "axial", "T1", "post", "head", "pelvis", "FLAIR", "left", "knee"];
    const names = ["Anna", "Berg", "Chen", "Dubois", "Eriksson", "Fischer", "García", "Hansen", "Ivanova", "Jensen"];
    for (let i = 0; i < 300; i++) {
      const family = names[randomInt(random, 0, names.length - 1)]!;
      const given = names[randomInt(random, 0, names.length - 1)]!;
      const id = `ID${randomInt(random, 100, 9999)}`;
      const c = makeCleaner([...personNameTokens(`${family}^${given}`), id]);
      const identifiers = [family, given, id];
      const words: string[] = [];
      const kept: string[] = [];
      for (let j = randomInt(random, 3, 15); j > 0; j--) {
        if (random() < 0.35) {
          const ident = identifiers[randomInt(random, 0, 2)]!;
          words.push(random() < 0.5 ? ident.toUpperCase() : ident.toLowerCase());
        } else {
          const w = safeWords[randomInt(random, 0, safeWords.length - 1)]!;
          if (!identifiers.some((x) => x.toLowerCase() === w.toLowerCase())) kept.push(w);
          words.push(w);
        }
      }
      const out = c(words.join(" "));
      const outTokens = out.split(/[^\p{L}\p{N}]+/u).filter((t) => t !== "");
      for (const ident of identifiers) {
        expect(outTokens.map((t) => t.toLowerCase())).not.toContain(ident.toLowerCase());
      }
      expect(outTokens.filter((t) => t !== "")).toEqual(kept);
    }
  });

  it("stays linear on adversarial input", () => {
    const texts = ["a".repeat(10240), "1-".repeat(5120), "a.".repeat(5120) + "@", "12 34 5a ".repeat(1100), "(1) ".repeat(2560)];
    const start = performance.now();
    for (const text of texts) clean(text);
    expect(performance.now() - start).toBeLessThan(500);
  });
});

describe("personNameTokens", () => {
  it("gives components, their words and whole-name renderings, not prefix or suffix", () => {
    const tokens = personNameTokens("van der Berg^Anna Maria^^Dr^PhD");
    expect(tokens).toEqual(
      expect.arrayContaining(["van der Berg", "Berg", "Anna Maria", "Anna", "Maria", "Anna Maria van der Berg", "van der Berg Anna Maria"]),
    );
    expect(tokens).not.toContain("Dr");
    expect(tokens).not.toContain("PhD");
  });

  it("covers every component group and value", () => {
    const tokens = personNameTokens("Yamada^Tarou=山田^太郎=やまだ^たろう\\Doe^Jane");
    expect(tokens).toEqual(expect.arrayContaining(["Yamada", "山田", "太郎", "やまだ", "Doe", "Jane"]));
  });
});

describe("dateRenderings", () => {
  it("renders a DA value the ways free text writes dates", () => {
    expect(dateRenderings("19700412")).toEqual(["19700412", "1970-04-12", "12/04/1970", "04/12/1970", "12.04.1970"]);
    expect(dateRenderings("garbage")).toEqual([]);
  });
});

describe("ageRenderings and sexWords", () => {
  it("render an AS value, alone and with the sex, as descriptions write them", () => {
    const clean = makeCleaner([...ageRenderings("055Y", "F"), ...sexWords("F")]);
    // PS3.15 E.3.5's own example, without Dr. Smith (not among these identifiers).
    expect(clean("CT chest abdomen pelvis - 55F Dr. Smith")).toBe("CT chest abdomen pelvis - ** Dr. Smith");
    for (const text of ["55yo", "55 y/o", "55-year-old", "55 years old", "55 YEARS", "055Y", "55/F", "55YF", "female", "FEMALE"]) {
      expect(clean(`pt ${text} ok`), text).toBe("pt ** ok");
    }
    for (const text of ["55 mAs", "slice 55", "155F", "55Fr", "male"]) expect(clean(text), text).toBe(text);
  });

  it("take the age's unit, and the sex only when given", () => {
    expect(ageRenderings("003M", undefined)).toEqual(expect.arrayContaining(["003M", "3M", "3 months", "3-month-old"]));
    expect(ageRenderings("003M", undefined).some((r) => r.endsWith("F"))).toBe(false);
    expect(ageRenderings("010D", "M")).toEqual(expect.arrayContaining(["10 days", "10M", "10DM"]));
    expect(ageRenderings("55", "F")).toEqual([]);
    expect(ageRenderings("", "F")).toEqual([]);
    expect(sexWords("O")).toEqual([]);
    expect(sexWords("M ")).toEqual(["male"]);
  });
});
