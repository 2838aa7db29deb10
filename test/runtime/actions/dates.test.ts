import { describe, expect, it } from "vitest";
import {
  ageBand,
  capAge,
  civilFromDays,
  coarsenDa,
  coarsenDt,
  coarsenTemporal,
  daysFromCivil,
  daysInMonth,
  parseAge,
  parseDa,
  parseDt,
  shiftDa,
  shiftDt,
  shiftTemporal,
} from "../../../src/runtime/actions/dates";
import { randomInt, seededRandom } from "./random";

/** The same arithmetic through Date.UTC, as an independent reference (years 1000-9999 only). */
function referenceShift(yyyymmdd: string, days: number): string {
  const t = Date.UTC(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8)) + days * 86400000;
  const d = new Date(t);
  return (
    String(d.getUTCFullYear()).padStart(4, "0") +
    String(d.getUTCMonth() + 1).padStart(2, "0") +
    String(d.getUTCDate()).padStart(2, "0")
  );
}

function randomDate(random: () => number): string {
  const y = randomInt(random, 1000, 9000);
  const m = randomInt(random, 1, 12);
  const d = randomInt(random, 1, daysInMonth(y, m));
  return `${y}${String(m).padStart(2, "0")}${String(d).padStart(2, "0")}`;
}

describe("calendar arithmetic", () => {
  it("day 0 is 1970-01-01 and round-trips across four centuries", () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(civilFromDays(0)).toBe(19700101);
    expect(civilFromDays(daysFromCivil(2000, 2, 29))).toBe(20000229);
    expect(civilFromDays(daysFromCivil(0, 1, 1))).toBe(101);
    for (let n = daysFromCivil(1600, 1, 1); n < daysFromCivil(2000, 1, 1) + 366; n += 1) {
      const packed = civilFromDays(n);
      expect(daysFromCivil(Math.floor(packed / 10000), Math.floor(packed / 100) % 100, packed % 100)).toBe(n);
    }
  });

  it("knows leap years", () => {
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2023, 2)).toBe(28);
  });
});

describe("shiftDa", () => {
  it("shifts by whole days across month, year and leap-day boundaries", () => {
    expect(shiftDa("20200315", -30)).toBe("20200214");
    expect(shiftDa("20200301", -1)).toBe("20200229");
    expect(shiftDa("20190301", -1)).toBe("20190228");
    expect(shiftDa("20201231", 1)).toBe("20210101");
    expect(shiftDa("20200101", 0)).toBe("20200101");
  });

  it("agrees with Date.UTC arithmetic on random dates and offsets", () => {
    const random = seededRandom(21);
    for (let i = 0; i < 2000; i++) {
      const date = randomDate(random);
      const days = randomInt(random, -40000, 40000);
      expect(shiftDa(date, days)).toBe(referenceShift(date, days));
    }
  });

  it("preserves the interval between two dates of one patient (property)", () => {
    const random = seededRandom(22);
    for (let i = 0; i < 2000; i++) {
      const a = randomDate(random);
      const b = randomDate(random);
      const offset = randomInt(random, -3650, 3650);
      const shiftedA = shiftDa(a, offset)!;
      const shiftedB = shiftDa(b, offset)!;
      expect(parseDa(shiftedB)! - parseDa(shiftedA)!).toBe(parseDa(b)! - parseDa(a)!);
    }
  });

  it("normalises the ACR-NEMA form YYYY.MM.DD", () => {
    expect(shiftDa("2020.03.15", -30)).toBe("20200214");
  });

  it("shifts every value of a multi-valued DA and keeps empty values", () => {
    expect(shiftDa("20200315\\20200316", 1)).toBe("20200316\\20200317");
    expect(shiftDa("20200315\\\\2020.03.16", 1)).toBe("20200316\\\\20200317");
    expect(shiftDa("", 5)).toBe("");
  });

  it("tolerates padding spaces", () => {
    expect(shiftDa("20200315 ", 1)).toBe("20200316");
  });

  it("returns null for values it cannot shift", () => {
    for (const bad of ["00000000", "20201301", "20200230", "2020031", "2020-03-15", "abcdefgh", "20200315-20200316", "2020.3.15"]) {
      expect(shiftDa(bad, 1)).toBeNull();
    }
    expect(shiftDa("20200315\\garbage", 1)).toBeNull();
    expect(shiftDa("99991231", 1)).toBeNull();
    expect(shiftDa("00000101", -1)).toBeNull();
  });

  it("rejects a fractional shift", () => {
    expect(() => shiftDa("20200315", 1.5)).toThrow(RangeError);
  });
});

describe("shiftDt", () => {
  it("shifts the date and keeps time, fraction and UTC offset", () => {
    expect(shiftDt("20200315233015.123456+0100", -30)).toBe("20200214233015.123456+0100");
    expect(shiftDt("20200315000000-0500", 1)).toBe("20200316000000-0500");
    expect(shiftDt("2020031512", 2)).toBe("2020031712");
    expect(shiftDt("20200315", 2)).toBe("20200317");
  });

  it("preserves the time zone of random DT values (property)", () => {
    const random = seededRandom(31);
    for (let i = 0; i < 1000; i++) {
      const date = randomDate(random);
      const time = `${String(randomInt(random, 0, 23)).padStart(2, "0")}${String(randomInt(random, 0, 59)).padStart(2, "0")}`;
      const sign = random() < 0.5 ? "+" : "-";
      const zone = `${sign}${String(randomInt(random, 0, 14)).padStart(2, "0")}${random() < 0.5 ? "00" : "30"}`;
      const offset = randomInt(random, -3650, 3650);
      const out = shiftDt(date + time + zone, offset)!;
      expect(out).toBe(referenceShift(date, offset) + time + zone);
    }
  });

  it("keeps partial precision, shifting the middle of the period", () => {
    // a month: its middle day (the 16th of March) minus 30 days is 15 February
    expect(shiftDt("202003", -30)).toBe("202002");
    // less than half a month either way stays in the month
    expect(shiftDt("202003", -15)).toBe("202003");
    expect(shiftDt("202003", 15)).toBe("202003");
    expect(shiftDt("202003", 16)).toBe("202004");
    // a year: its middle day (2 July) moves year only for shifts of half a year
    expect(shiftDt("2020", -30)).toBe("2020");
    expect(shiftDt("2020", -200)).toBe("2019");
    expect(shiftDt("2020+0100", 200)).toBe("2021+0100");
    expect(shiftDt("202003-0500", -30)).toBe("202002-0500");
  });

  it("agrees with full dates of the same patient for month precision", () => {
    const random = seededRandom(32);
    for (let i = 0; i < 500; i++) {
      const offset = randomInt(random, -3650, 3650);
      const month = `${randomInt(random, 1900, 2100)}${String(randomInt(random, 1, 12)).padStart(2, "0")}`;
      const mid = daysFromCivil(+month.slice(0, 4), +month.slice(4), 1) + Math.floor(daysInMonth(+month.slice(0, 4), +month.slice(4)) / 2);
      const midDate = String(civilFromDays(mid));
      expect(shiftDt(month, offset)).toBe(shiftDa(midDate, offset)!.slice(0, 6));
    }
  });

  it("handles multiple values and padding", () => {
    expect(shiftDt("20200315120000\\2020", 1)).toBe("20200316120000\\2020");
    expect(shiftDt("20200315120000 ", 1)).toBe("20200316120000");
  });

  it("returns null for values it cannot shift", () => {
    for (const bad of [
      "202",
      "20201",
      "2020131",
      "20200230",
      "202003151",
      "20200315246000",
      "20200315236000",
      "20200315235961",
      "20200315235959.",
      "20200315235959.1234567",
      "20200315+01",
      "20200315+1500",
      "20200315+0160",
      "2020031512+0100x",
      "20200315T120000",
      "202003+0100\\bad",
    ]) {
      expect(shiftDt(bad, 1), bad).toBeNull();
    }
  });

  it("accepts a leap second", () => {
    expect(shiftDt("20161231235960", 1)).toBe("20170101235960");
  });
});

describe("parseDt", () => {
  it("splits the parts", () => {
    expect(parseDt("20200315233015.5+0100")).toEqual({ year: 2020, month: 3, day: 15, time: "233015.5", offset: "+0100" });
    expect(parseDt("2020")).toEqual({ year: 2020, month: 0, day: 0, time: "", offset: "" });
  });
});

describe("coarsen", () => {
  it("keeps the year or the month of DA values", () => {
    expect(coarsenDa("19700412", "year")).toBe("19700101");
    expect(coarsenDa("19700412", "month")).toBe("19700401");
    expect(coarsenDa("19700412\\19810903", "year")).toBe("19700101\\19810101");
    expect(coarsenDa("1970.04.12", "month")).toBe("19700401");
    expect(coarsenDa("", "year")).toBe("");
    expect(coarsenDa("19701312", "year")).toBeNull();
  });

  it("keeps the year or the month of DT values and drops time and offset", () => {
    expect(coarsenDt("19700412101010+0200", "year")).toBe("19700101");
    expect(coarsenDt("19700412101010+0200", "month")).toBe("19700401");
    expect(coarsenDt("1970", "month")).toBe("19700101");
    expect(coarsenDt("197004", "month")).toBe("19700401");
    expect(coarsenDt("1970041", "month")).toBeNull();
  });

  it("dispatches by VR", () => {
    expect(coarsenTemporal("DA", "19700412", "year")).toBe("19700101");
    expect(coarsenTemporal("DT", "19700412", "month")).toBe("19700401");
    expect(coarsenTemporal("TM", "101010", "year")).toBeNull();
  });
});

describe("shiftTemporal", () => {
  it("dispatches by VR and leaves TM unchanged", () => {
    expect(shiftTemporal("DA", "20200315", 1)).toBe("20200316");
    expect(shiftTemporal("DT", "20200315", 1)).toBe("20200316");
    expect(shiftTemporal("TM", "101010.5", 100)).toBe("101010.5");
    expect(shiftTemporal("LO", "20200315", 1)).toBeNull();
  });

  it("does not depend on the process time zone", () => {
    const saved = process.env.TZ;
    try {
      const results = ["UTC", "America/New_York", "Pacific/Kiritimati", "Australia/Lord_Howe"].map((tz) => {
        process.env.TZ = tz;
        return [shiftDa("20200308", 1), shiftDt("20201101013000-0400", -1)];
      });
      for (const r of results) expect(r).toEqual(["20200309", "20201031013000-0400"]);
    } finally {
      process.env.TZ = saved;
    }
  });
});

describe("ages", () => {
  it("parses AS values", () => {
    expect(parseAge("043Y")).toEqual({ count: 43, unit: "Y" });
    expect(parseAge("006M ")).toEqual({ count: 6, unit: "M" });
    for (const bad of ["43Y", "043y", "043", "0043Y", "04XY", ""]) expect(parseAge(bad)).toBeNull();
  });

  it("bands an age in its own unit", () => {
    expect(ageBand("043Y", 5)).toBe("040Y");
    expect(ageBand("045Y", 5)).toBe("045Y");
    expect(ageBand("015M", 6)).toBe("012M");
    expect(ageBand("003D", 7)).toBe("000D");
    expect(ageBand("043Y", 1)).toBe("043Y");
    expect(ageBand("bad", 5)).toBeNull();
    expect(() => ageBand("043Y", 0)).toThrow(RangeError);
  });

  it("caps ages over the limit ('over 89' becomes 090Y)", () => {
    expect(capAge("095Y", 89)).toBe("090Y");
    expect(capAge("090Y", 89)).toBe("090Y");
    expect(capAge("089Y", 89)).toBe("089Y");
    expect(capAge("999M", 80)).toBe("081Y");
    expect(capAge("999M", 89)).toBe("999M");
    expect(capAge("999W", 19)).toBe("999W");
    expect(capAge("999W", 18)).toBe("019Y");
    expect(capAge("999W", 10)).toBe("011Y");
    expect(capAge("400D", 0)).toBe("001Y");
    expect(capAge("300D", 0)).toBe("300D");
    expect(capAge("x", 89)).toBeNull();
    expect(() => capAge("050Y", 999)).toThrow(RangeError);
  });
});
