// Random rule files for the property test: selectors over keywords, tags,
// masks, ranges, paths, VRs and private slots that occur in the corpus;
// actions among the PS3.15 codes and set/shift/replace/coarsen; conditions
// over Modality, Rows, ImageType, parameters and `let`s. Not every file is
// valid (an action may not fit a VR, two rules may conflict): the test keeps
// those that compile without errors.

/** A small, seedable generator (mulberry32), so a failure names its seed. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

type Kind = "date" | "datetime" | "time" | "text" | "name" | "uid" | "code" | "number" | "sequence";

const KEYWORDS: [string, Kind][] = [
  ["PatientName", "name"],
  ["PatientID", "text"],
  ["PatientBirthDate", "date"],
  ["PatientSex", "code"],
  ["PatientAge", "text"],
  ["StudyDate", "date"],
  ["SeriesDate", "date"],
  ["AcquisitionDate", "date"],
  ["ContentDate", "date"],
  ["InstanceCreationDate", "date"],
  ["AcquisitionDateTime", "datetime"],
  ["StudyTime", "time"],
  ["ContentTime", "time"],
  ["InstitutionName", "text"],
  ["StudyDescription", "text"],
  ["SeriesDescription", "text"],
  ["Manufacturer", "text"],
  ["ManufacturerModelName", "text"],
  ["StationName", "text"],
  ["AccessionNumber", "text"],
  ["ReferringPhysicianName", "name"],
  ["OperatorsName", "name"],
  ["StudyID", "text"],
  ["ProtocolName", "text"],
  ["BodyPartExamined", "code"],
  ["ImageComments", "text"],
  ["CodeMeaning", "text"],
  ["CodeValue", "text"],
  ["ROIName", "text"],
  ["ImageType", "code"],
  ["Modality", "code"],
  ["SOPInstanceUID", "uid"],
  ["StudyInstanceUID", "uid"],
  ["SeriesInstanceUID", "uid"],
  ["FrameOfReferenceUID", "uid"],
  ["ReferencedSOPInstanceUID", "uid"],
  ["Rows", "number"],
  ["InstanceNumber", "number"],
  ["ReferencedImageSequence", "sequence"],
  ["ContentSequence", "sequence"],
  ["ConceptNameCodeSequence", "sequence"],
  ["SourceImageSequence", "sequence"],
  ["ProcedureCodeSequence", "sequence"],
  ["RequestAttributesSequence", "sequence"],
  ["IconImageSequence", "sequence"],
  ["ReferencedStudySequence", "sequence"],
];

/** Multi-step paths; the kind is that of the last element. */
const PATHS: [string, Kind][] = [
  ["ReferencedImageSequence/ReferencedSOPInstanceUID", "uid"],
  ["ReferencedImageSequence[0]/ReferencedSOPInstanceUID", "uid"],
  ["/PatientID", "text"],
  ["/StudyDate", "date"],
  ["ContentSequence/**/CodeMeaning", "text"],
  ["ContentSequence/ConceptNameCodeSequence/CodeValue", "text"],
  ["/ContentSequence/**/TextValue", "text"],
  ["**/ReferencedSOPInstanceUID", "uid"],
  ["SourceImageSequence[*]/ReferencedSOPInstanceUID", "uid"],
  ["ReferencedSeriesSequence/**/ReferencedSOPInstanceUID", "uid"],
  ["StructureSetROISequence/ROIName", "text"],
  ["(0029,\"SIEMENS CSA HEADER\",xx)", "text"],
  ["ContentSequence/*/CodeMeaning", "text"],
  ["/*/PatientID", "text"],
  ["*/ReferencedSOPInstanceUID", "uid"],
  ["/ContentSequence/*/*/CodeValue", "text"],
  ["keyword /Date$/", "date"],
  ["keyword /^(Patient|Other)/", "text"],
  ["keyword /UID$/", "uid"],
  ["keyword /^Overlay/", "text"],
];

const TAGS = ["(0008,0020)", "(0010,0010)", "(0008,0080)", "(0020,000D)", "(0008,1030)", "(0008,0018)"];
const MASKS = ["(60xx,3000)", "(0008,10xx)", "(50xx,xxxx)", "(0019,xxxx)", "(0029,10xx)", "(0043,xxxx)", "(0013,xxxx)", "(0010,00@0)", "(0008,10#x)", "(00@9,xxxx)", "(60@x,3000)"];
const RANGES = ["(0008,1000)..(0008,1FFF)", "(0010,0000)..(0010,FFFF)", "(0019,1000)..(0019,10FF)", "(0020,0000)..(0020,00FF)"];
const PRIVATE_SLOTS = [
  '(0009,"GEMS_IDEN_01",xx)',
  '(0019,"GEMS_ACQU_01",xx)',
  '(0019,"GEMS_ACQU_01",2F)',
  '(0043,"GEMS_PARM_01",xx)',
  '(0029,"SIEMENS CSA HEADER",10)',
  '(0029,"SIEMENS CSA HEADER",xx)',
  '(0019,"SIEMENS MR HEADER",xx)',
  '(0013,"CTP",10)',
  '(0013,"CTP",xx)',
  '(1455,"Mortara Instrument, Inc.",xx)',
  '(3F03,"aaabbbccc MEDICAL SYSTEMS",xx)',
];
const VRS = ["DA, DT", "PN", "LO", "UI", "SH", "CS", "TM", "DA", "LO, SH, ST"];
const CODES = ["D", "Z", "X", "K", "C", "U", "Z/D", "X/Z", "X/D", "X/Z/D", "X/Z/U*", "keep", "remove", "empty", "dummy", "clean", "uid"];

export interface RandomProfile {
  text: string;
  seed: number;
}

interface Declarations {
  key: boolean;
  offset: boolean;
  dateShift: boolean;
  site: boolean;
}

/** `inRule`: the condition decides elements (a rule or a block of rules), so `item.X` may read their item. */
function condition(r: Random, d: Declarations, inRule = false): string {
  const simple = (): string => {
    const choices: (() => string)[] = [
      () => `Modality == "${r.pick(["CT", "MR", "SR", "US", "PT", "SEG", "OT"])}"`,
      () => `Modality in ["CT", "MR", "PT"]`,
      () => `Modality != "CT"`,
      () => `Rows ${r.pick([">", ">=", "<", "<=", "=="])} ${r.pick([64, 128, 256, 512])}`,
      () => `ImageType contains "${r.pick(["ORIGINAL", "DERIVED", "PRIMARY", "LOCALIZER"])}"`,
      () => `Manufacturer ~ /${r.pick(["ge", "siemens", "philips", "^G"])}/i`,
      () => `StudyDescription !~ /head/i`,
      () => `exists(PatientAge)`,
      () => `not exists(InstitutionName)`,
      () => `empty(ReferringPhysicianName)`,
      () => `PatientSex == "${r.pick(["M", "F", "O"])}"`,
      () => `upper(Modality) == "MR"`,
      () => `lower(Modality) + "x" == "ctx"`,
      () => `(0010,0040) != "M"`,
      () => `InstanceNumber > 1`,
      () => `1 == ${r.pick([1, 2])}`,
      () => `"a" in ["a", "b"]`,
      () => `startsWith(Modality, "${r.pick(["C", "M", "S"])}")`,
      () => `endsWith(Manufacturer, "${r.pick(["S", "s", "Healthcare"])}")`,
      () => `includes(StudyDescription, "${r.pick(["HEAD", "CT", "a"])}")`,
      () => `matches(Modality, /${r.pick(["CT", "[CM]R?T?", "S."])}/)`,
      () => `equalsIgnoreCase(Modality, "${r.pick(["ct", "Mr", "sr"])}")`,
      () => `root.Modality == "${r.pick(["CT", "MR", "SR"])}"`,
    ];
    if (d.site) choices.push(() => `site == "${r.pick(["S1", "S2"])}"`);
    if (d.offset) choices.push(() => `offset < ${r.int(-30, -1)}`);
    if (inRule) {
      choices.push(
        () => `item.CodingSchemeDesignator == "${r.pick(["DCM", "SCT", "99LOCAL"])}"`,
        () => `exists(item.CodeMeaning)`,
        () => `item.Modality == "${r.pick(["CT", "MR"])}"`,
        () => `empty(item.ReferencedSOPClassUID)`,
      );
    }
    return r.pick(choices)();
  };
  if (r.chance(0.25)) return `${simple()} ${r.pick(["and", "or"])} ${simple()}`;
  if (r.chance(0.1)) return `not (${simple()})`;
  return simple();
}

function value(r: Random, d: Declarations, kind: Kind): string {
  const texts: string[] = [`"ANON"`, `"SITE-" + PatientID`, `upper(Modality)`, `lower(StudyDescription) + "!"`, `""`];
  texts.push(`truncate(PatientID, ${r.int(0, 6)})`, `initials(PatientName)`, `format("{}-{}", Modality, root.PatientID)`, `"I-" + item.CodeValue`, `capAge(PatientAge, 89)`, `ageBand(PatientAge, ${r.int(1, 10)})`);
  if (d.key) texts.push(`"X-" + hash(key, PatientID, ${r.int(4, 16)})`, `hash(key, StudyInstanceUID, 10)`);
  if (d.site) texts.push(`site`, `site + "-" + Modality`);
  if (kind === "date") texts.push(`"20000101"`);
  if (kind === "number") return r.pick(["1", "42", "Rows + 1"]);
  if (kind === "uid") return r.pick([`"1.2.3.4"`, `"2.25." + "1234"`]);
  return r.pick(texts);
}

/** Codes that fit an element of `kind` (U only replaces UIDs). */
function codes(kind: Kind): string[] {
  return kind === "uid" || kind === "sequence" ? CODES : CODES.filter((c) => c !== "U" && c !== "uid");
}

function action(r: Random, d: Declarations, kind: Kind): string {
  if (kind === "sequence") return r.pick(["X", "Z", "K", "keep", "remove", "D", "U", "C", "X/Z"]);
  const choices: (() => string)[] = [() => r.pick(codes(kind)), () => r.pick(codes(kind))];
  if (kind !== "uid") choices.push(() => value(r, d, kind));
  if (kind === "date" || kind === "datetime") {
    choices.push(() => `shift(${d.offset && r.chance(0.6) ? "offset" : r.int(-400, -1)})`, () => `coarsen(${r.pick(["year", "month"])})`);
    if (d.key) choices.push(() => `shift(days(key, StudyInstanceUID, -20 .. -1))`);
  }
  if (kind === "text" || kind === "name" || kind === "code") choices.push(() => `replace(/${r.pick(["[0-9]", "[AEIOU]", "^.", "\\s+"])}/${r.pick(["g", "", "gi"])}, "${r.pick(["#", "", "_"])}")`);
  return r.pick(choices)();
}

function rule(r: Random, d: Declarations): string {
  let selector: string;
  let kind: Kind = "text";
  const which = r.int(0, 99);
  if (which < 45) [selector, kind] = r.pick(KEYWORDS);
  else if (which < 57) [selector, kind] = r.pick(PATHS);
  else if (which < 63) selector = r.pick(TAGS);
  else if (which < 70) selector = r.pick(MASKS);
  else if (which < 75) selector = r.pick(RANGES);
  else if (which < 87) selector = r.pick(PRIVATE_SLOTS);
  else if (which < 94) {
    selector = `vr ${r.pick(VRS)}`;
    kind = selector.includes("DA") ? "date" : selector.includes("UI") ? "uid" : "text";
  } else if (which < 97) selector = `any where value == ${r.pick(["PatientID", "PatientName", '"CT"', "root.StudyID"])}`;
  else selector = r.pick(["private *", "*"]);
  const broad = !selector.match(/^[A-Z/]/) || selector.startsWith("(");
  const act = broad ? r.pick(codes(kind === "uid" ? "uid" : selector.startsWith("vr") ? "text" : "sequence")) : action(r, d, kind);
  const when = r.chance(0.35) ? ` when ${condition(r, d, true)}` : "";
  const because = /^(K|keep)$/.test(act) || r.chance(0.1) ? ` because "property test"` : "";
  return `${selector} -> ${act}${when}${because}`;
}

export function randomProfile(seed: number): RandomProfile {
  const r = new Random(seed);
  const d: Declarations = { key: r.chance(0.8), offset: false, dateShift: false, site: r.chance(0.4) };
  d.offset = d.key && r.chance(0.6);
  d.dateShift = d.key && r.chance(0.3);
  const lines = ["deid 1", ""];
  const header = [`profile prop.p${seed}`];
  if (r.chance(0.45)) header.push("  based on ps315.basic");
  const options = ["ps315.retain-safe-private", "ps315.retain-uids", "ps315.clean-descriptors", "ps315.retain-longitudinal-full-dates", "ps315.retain-patient-characteristics"].filter(
    () => r.chance(0.2),
  );
  if (options.length > 0 && header.length > 1) header.push(`  with ${options.join(", ")}`);
  lines.push(...header, "");
  if (d.key) lines.push("secret key from env DEID_KEY");
  if (d.site) lines.push(`param site: string = "S1"`);
  if (d.offset) lines.push(`let offset = days(key, PatientID, ${r.int(-60, -20)} .. -1)`);
  if (d.dateShift) lines.push(`let dateShift = days(key, PatientID, -200 .. -100)`);
  lines.push("");
  const count = r.int(2, 12);
  const rules: string[] = [];
  for (let i = 0; i < count; i++) rules.push(rule(r, d));
  if (r.chance(0.2)) rules.push(`${r.pick(["ClinicalTrialSiteID", "/ClinicalTrialSponsorName", "PatientID"])} -> create "S-" + Modality${r.chance(0.4) ? ` when ${condition(r, d, true)}` : ""}`);
  if (r.chance(0.15)) rules.push(`ImageType -> append "DERIVED"`);
  // Some rules inside a conditional block (the IR joins its condition with each rule's own).
  if (r.chance(0.25) && rules.length > 1) {
    const from = r.int(0, rules.length - 1);
    const to = r.int(from, rules.length - 1);
    rules.splice(from, to - from + 1, `when ${condition(r, d, true)} {`, ...rules.slice(from, to + 1).map((l) => `  ${l}`), "}");
  }
  lines.push(...rules);
  // accept before the others exempts objects from them; skip passes objects through unchanged.
  if (r.chance(0.15)) lines.push(`accept when ${condition(r, d)} because "property test accept"`);
  if (r.chance(0.1)) lines.push(`skip when ${condition(r, d)} because "property test skip"`);
  if (r.chance(0.3)) lines.push(`reject when ${condition(r, d)} because "property test reject"`);
  if (r.chance(0.2)) lines.push(`quarantine when ${condition(r, d)} because "property test quarantine"`);
  return { text: lines.join("\n") + "\n", seed };
}
