// `deidc import ctp`: CTP DicomAnonymizer scripts to a .deid profile that does
// what the scripts do (DICOMAnonymizer.processElements):
//
//   - an element with an enabled script gets that script's rules, wherever it
//     is (the import's rules apply inside sequences too: see docs/migrating.md);
//   - `<k t="gggg">` keeps a whole group, `<k t="safeprivateelements">` keeps
//     the private elements known to be safe;
//   - `<r t="privategroups">` removes private elements no script names,
//     `<r t="unspecifiedelements">` removes every element no script names
//     except those CTP always keeps (SOP Class, SOP Instance and Study
//     Instance UIDs, groups 0002, 0028 and 7FE0, and overlays and curves unless
//     told otherwise), `<r t="overlays">` removes overlays even when scripted;
//   - everything else is kept as it is.
//
// Several scripts are read as one, later ones overriding the same element's
// script and the same parameter, as when CTP's configurator loads a profile
// and then option profiles on top of it.

import { ImportCode } from "../codes";
import { LANGUAGE_FEATURES } from "../features";
import { ProfileDraft } from "../draft";
import type { Findings, ImportSource } from "../source";
import { DICTIONARY_RELEASE } from "../../dicom/dictionary";
import { attributeText, groupRangeText, keywordTag, privateTagText, tagSelector, tagText, vrsOfTag } from "../syntax";
import { importFilterScript, isFilterScript } from "./filter";
import { lookupTableCsv, readCtpLookupTable } from "./lookup-table";
import { importPixelScript, isPixelScript } from "./pixels";
import { type CtpItem, readCtpScript } from "./script";
import { type CtpEnvironment, type CtpReference, type CtpTarget, translateElement } from "./translate";

export interface CtpImportOptions {
  name: string;
  title: string;
  /** the CSV table `@lookup` calls read */
  lookupTable: string;
  /** the user named the table (--lookup), so they need no reminder of its format */
  lookupTableNamed: boolean;
  /** CTP's own lookup table (LookupTable.properties), converted to the CSV table the profile reads */
  lookupSource?: ImportSource;
  /** receives the converted table's CSV text */
  tables?: { path: string; text: string }[];
}

/** Elements deidc writes into every output itself (PS3.15 E.1.1 and PS3.10 File Meta). */
const WRITTEN_BY_DEIDC = new Map<number, string>([
  [0x00120062, "Patient Identity Removed"],
  [0x00120063, "De-identification Method"],
  [0x00120064, "De-identification Method Code Sequence"],
  [0x00280303, "Longitudinal Temporal Information Modified"],
]);

/** Elements CTP keeps even when it removes unspecified elements (besides groups 0002, 0028 and 7FE0). */
const ALWAYS_KEPT_TAGS = [0x00080016, 0x00080018, 0x0020000d];

interface SourcedItem {
  source: ImportSource;
  item: CtpItem;
}

export function importCtpScripts(sources: readonly ImportSource[], options: CtpImportOptions, findings: Findings): ProfileDraft | null {
  const items: SourcedItem[] = [];
  // The anonymizer's scripts are XML; a pixel anonymizer script has `{ signature } (regions)`; anything else is a filter.
  const anonymizerSources = sources.filter((s) => /^\s*</.test(s.text));
  const pixelSources = sources.filter((s) => !anonymizerSources.includes(s) && isPixelScript(s.text));
  const filterSources = sources.filter((s) => !anonymizerSources.includes(s) && !pixelSources.includes(s));
  for (const source of filterSources) {
    if (!isFilterScript(source.text)) {
      findings.add(source, ImportCode.unreadableSource, source.lineSpan(1), "not a CTP script: neither a DicomAnonymizer script in XML form, a DicomPixelAnonymizer script (`{ signature } (x,y,w,h)`) nor a DicomFilter script (`Modality.equals(\"CT\") * ...`)", {
        help: "export an anonymizer script from CTP's DicomAnonymizer configurator, which writes the XML form",
      });
      return null;
    }
  }
  for (const source of anonymizerSources) {
    const read = readCtpScript(source);
    if (!read.ok) {
      findings.add(source, ImportCode.unreadableSource, read.span, read.message, { help: "export the script from CTP's DicomAnonymizer configurator, which writes the XML form" });
      return null;
    }
    for (const item of read.items) items.push({ source, item });
  }
  const origin = (s: SourcedItem): string => (sources.length > 1 ? `ctp:${s.source.path}:${s.item.line}` : `ctp:${s.item.line}`);

  // CTP reads the script into a property table first, so parameters, switches and each tag's script
  // are known before any element is processed, and a later definition replaces an earlier one.
  const params = new Map<string, string>();
  const winning = new Map<string, SourcedItem>();
  let removePrivate = false;
  let removeUnspecified = false;
  let removeOverlays = false;
  let removeCurves = false;
  const privateNames = new Map<string, CtpTarget>();
  for (const s of items) {
    const it = s.item;
    if (it.kind === "param") params.set(it.name, it.value);
    if (it.kind === "element" && it.enabled) {
      const target = parseTarget(it.tag);
      if (target.kind === "target") {
        winning.set(target.target.selector, s);
        if (target.target.isPrivate && it.name.trim() !== "") privateNames.set(it.name.trim(), target.target);
      }
    }
    if (it.kind === "remove" && it.enabled) {
      if (it.target === "privategroups") removePrivate = true;
      else if (it.target === "unspecifiedelements") removeUnspecified = true;
      else if (it.target === "overlays") removeOverlays = true;
      else if (it.target === "curves") removeCurves = true;
    }
  }

  const draft = new ProfileDraft(options.name, options.title);
  draft.preamble.push(`Imported by \`deidc import ctp\` from ${sources.map((s) => s.path).join(", ")}.`);
  draft.preamble.push("Each rule names the script line it came from; docs/migrating.md lists what deidc does differently on purpose.");

  // The element being translated, and the first element that looks up each key type.
  let current: SourcedItem | null = null;
  const keyTypeUses = new Map<string, SourcedItem>();
  const table = options.lookupSource ? readCtpLookupTable(options.lookupSource, findings) : null;
  const env: CtpEnvironment = {
    params,
    draft,
    lookupTable: options.lookupTable,
    usesKeyType: (keyType) => {
      if (current && !keyTypeUses.has(keyType)) keyTypeUses.set(keyType, current);
    },
    resolve: (name) => resolveReference(name, privateNames),
  };
  const scriptedTags = new Set<number>();
  for (const s of winning.values()) {
    if (s.item.kind !== "element") continue;
    const t = parseTarget(s.item.tag);
    if (t.kind === "target" && t.target.tag !== null) scriptedTags.add(t.target.tag);
  }

  let lookupNoted = false;
  const keptSequences: SourcedItem[] = [];

  for (const s of items) {
    const it = s.item;
    const src = s.source;
    switch (it.kind) {
      case "comment":
        draft.comment(it.text.trim());
        break;
      case "param":
        break;
      case "other":
        findings.add(src, ImportCode.ignoredLine, it.span, `CTP ignores the element \`<${it.element}>\` in a script`, { help: "a script holds only `<p>`, `<e>`, `<k>` and `<r>` elements" });
        draft.comment(`${origin(s)} <${it.element}> is not part of a CTP script; CTP ignores it`);
        break;
      case "element": {
        if (!it.enabled) {
          findings.add(src, ImportCode.disabledRule, it.span, `the rule for \`${it.tag}\`${it.name ? ` (${it.name})` : ""} is not enabled (\`en="F"\`), so it is not imported`);
          draft.comment(`${origin(s)} not enabled: ${it.tag}${it.name ? ` ${it.name}` : ""} ${it.script}`.trimEnd());
          break;
        }
        const parsed = parseTarget(it.tag);
        if (parsed.kind === "ignored") {
          findings.add(src, ImportCode.ignoredTag, it.span, `CTP cannot parse the tag \`${it.tag}\` (${parsed.reason}), so it never applies this rule; it is not imported`, {
            help: "CTP scripts name one element per rule, as ggggeeee or gggg[private creator]ee",
          });
          draft.comment(`${origin(s)} ignored by CTP (tag ${it.tag}): ${it.script}`);
          break;
        }
        const target = parsed.target;
        if (winning.get(target.selector) !== s) {
          const later = winning.get(target.selector)!;
          findings.add(src, ImportCode.overridden, it.span, `a later rule for ${target.label} replaces this one (${origin(later)}), as in CTP`);
          draft.comment(`${origin(s)} replaced by ${origin(later)}: ${target.selector} ${it.script}`);
          break;
        }
        current = s;
        emitElement(s, target, env, draft, findings, origin(s), { removeOverlays, removeUnspecified });
        current = null;
        if (!lookupNoted && !options.lookupTableNamed && !table && /@\s*lookup\s*\(/.test(it.script)) {
          lookupNoted = true;
          findings.add(src, ImportCode.lookupTableFormat, it.span, `CTP's lookup table holds \`keytype/key = value\` lines; deidc reads \`${options.lookupTable}\`, a CSV file of \`keytype,key,value\` rows`, {
            help: "pass CTP's table with --lookup-table and the import converts it, or write one `keytype,key,value` row per line (pass another file name with --lookup)",
          });
        }
        if (removeUnspecified && /^\s*@\s*keep\s*\(\s*\)\s*$/.test(it.script) && target.vrs.includes("SQ")) keptSequences.push(s);
        break;
      }
      case "keep": {
        if (!it.enabled) {
          findings.add(src, ImportCode.disabledRule, it.span, `the keep rule for \`${it.target}\` is not enabled (\`en="F"\`), so it is not imported`);
          draft.comment(`${origin(s)} not enabled: keep ${it.target}`);
          break;
        }
        if (it.target.startsWith("safe")) {
          draft.withOption("ps315.retain-safe-private");
          findings.add(src, ImportCode.safePrivateList, it.span, "CTP keeps the private elements its index marks safe; the import switches on ps315.retain-safe-private, whose list is PS3.15 Table E.3.10-1", {
            help: "compare the two lists if the release depends on a particular private element",
          });
          draft.comment(`${origin(s)} keep safe private elements: with ps315.retain-safe-private`);
          break;
        }
        if (!/^[0-9A-Fa-f]{1,4}$/.test(it.target)) {
          findings.add(src, ImportCode.ignoredLine, it.span, `CTP cannot read the group \`${it.target}\`, so this keep rule keeps nothing`, { help: "name the group by its four hexadecimal digits, e.g. `0029`" });
          draft.comment(`${origin(s)} ignored by CTP (group ${it.target})`);
          break;
        }
        const group = parseInt(it.target, 16);
        const g = group.toString(16).toUpperCase().padStart(4, "0");
        draft.rule({ selector: groupRangeText(group), action: "keep", because: `imported from CTP: keep group ${g}`, origin: origin(s) });
        break;
      }
      case "remove": {
        if (!it.enabled) {
          findings.add(src, ImportCode.disabledRule, it.span, `the remove rule for \`${it.target}\` is not enabled (\`en="F"\`), so it is not imported`);
          draft.comment(`${origin(s)} not enabled: remove ${it.target}`);
          break;
        }
        emitRemove(s, draft, findings, origin(s), { removePrivate, removeUnspecified, removeOverlays, removeCurves, scriptedTags });
        break;
      }
    }
  }

  if (table) {
    const present = new Set(table.entries.map((e) => e.keyType));
    for (const [keyType, s] of keyTypeUses) {
      if (present.has(keyType)) continue;
      findings.add(s.source, ImportCode.lookupKeyTypeMissing, s.item.span, `the lookup table ${table.source.path} has no \`${keyType}/...\` key, so every object misses this lookup`, {
        help: `add \`${keyType}/<value>=<replacement>\` lines to the table, or correct the key type in the script`,
        related: [{ file: table.source.path, span: table.source.lineSpan(1), message: "the lookup table" }],
      });
      draft.comment(`${origin(s)} the lookup table has no ${keyType} keys: every object misses`);
    }
    options.tables?.push({ path: options.lookupTable, text: lookupTableCsv(table) });
  }

  for (const s of keptSequences) {
    findings.add(s.source, ImportCode.sequenceContents, s.item.span, "CTP keeps this sequence with its items unchanged; deidc applies the profile's rules inside it, and `* -> remove` removes the items' attributes no rule keeps", {
      help: "add rules that keep the attributes inside the sequence that must stay",
    });
  }

  const lineOrigin = (source: ImportSource) => (line: number) => (sources.length > 1 ? `ctp:${source.path}:${line}` : `ctp:${line}`);
  for (const source of filterSources) {
    draft.blank();
    importFilterScript(source, draft, findings, lineOrigin(source));
  }
  for (const source of pixelSources) {
    draft.blank();
    importPixelScript(source, draft, findings, lineOrigin(source));
  }

  // What CTP does with the elements the script does not name.
  draft.blank();
  if (!removeUnspecified) {
    if (!removePrivate) {
      const first = items.find((s) => s.item.kind === "element") ?? items[0];
      if (first) {
        findings.add(first.source, ImportCode.privateKept, first.source.lineSpan(1), "the script does not remove private groups, so CTP keeps every private element no rule names; the import keeps them too", {
          help: 'add `<r en="T" t="privategroups">` to the script (or `private * -> remove` to the profile): private elements often hold identifiers',
        });
      }
      draft.rule({ selector: "private *", action: "keep", because: "CTP keeps private elements unless the script removes private groups" });
    }
    draft.rule({ selector: "*", action: "keep", because: "CTP keeps the elements the script does not name" });
  }
  return draft;
}

type ParsedTarget = { kind: "target"; target: CtpTarget } | { kind: "ignored"; reason: string };

/** The element an `<e t="...">` names, as CTP reads `t` (DAScript: the first four characters are the group). */
function parseTarget(t: string): ParsedTarget {
  const tag = t.trim();
  if (/[xX]/.test(tag) && /^[0-9A-Fa-fxX]{8}$/.test(tag)) return { kind: "ignored", reason: "a wildcard" };
  const plain = /^([0-9A-Fa-f]{4})([0-9A-Fa-f]{4})$/.exec(tag);
  if (plain) return { kind: "target", target: targetForTag(parseInt(plain[1]! + plain[2]!, 16)) };
  const block = /^([0-9A-Fa-f]{4}),?\[(.+)\]([0-9A-Fa-f]{2})$/.exec(tag);
  if (block) {
    const group = parseInt(block[1]!, 16);
    if ((group & 1) === 0) return { kind: "ignored", reason: "a private creator in an even group" };
    const element = parseInt(block[3]!, 16);
    const creator = block[2]!.trim();
    return {
      kind: "target",
      target: { selector: privateTagText(group, creator, element), tag: null, isPrivate: true, vrs: ["UN"], label: `the private element ${privateTagText(group, creator, element)}`, listed: true },
    };
  }
  return { kind: "ignored", reason: "not ggggeeee" };
}

function targetForTag(tag: number): CtpTarget {
  const isPrivate = ((tag >>> 16) & 1) === 1;
  if (isPrivate) return { selector: tagText(tag), tag, isPrivate, vrs: ["UN"], label: tagText(tag), listed: true };
  const { selector, listed } = tagSelector(tag);
  const label = selector.startsWith("(") ? tagText(tag) : `${selector} ${tagText(tag)}`;
  return { selector, tag, isPrivate, vrs: vrsOfTag(tag), label, listed };
}

/**
 * An element named in a function argument, as CTP's getElementTag reads it:
 * a keyword (CTP's dcm4che names are mostly DICOM keywords), a tag written
 * ggggeeee, (gggg,eeee) or [gggg,eeee], or a name the script gave a private
 * element.
 */
function resolveReference(name: string, privateNames: ReadonlyMap<string, CtpTarget>): CtpReference | null {
  let n = name.trim();
  if ((n.startsWith("[") && n.endsWith("]")) || (n.startsWith("(") && n.endsWith(")"))) n = n.slice(1, -1).trim();
  const hex = /^([0-9A-Fa-f]{4}),?([0-9A-Fa-f]{4})$/.exec(n);
  if (hex) {
    const tag = parseInt(hex[1]! + hex[2]!, 16);
    if (((tag >>> 16) & 1) === 1) return { kind: "private", text: tagText(tag) };
    // A condition on a tag the dictionary does not list would not lint clean; treat it as unknown.
    return tagSelector(tag).listed ? { kind: "attribute", text: attributeText(tag) } : null;
  }
  const tag = keywordTag(n);
  if (tag !== null) return { kind: "attribute", text: attributeText(tag) };
  const named = privateNames.get(n);
  if (named) return { kind: "private", text: named.selector };
  if (/^[0-9A-Fa-f]{4},?\[.+\][0-9A-Fa-f]{2}$/.test(n)) return { kind: "private", text: n };
  return null;
}

function emitElement(
  s: SourcedItem,
  target: CtpTarget,
  env: CtpEnvironment,
  draft: ProfileDraft,
  findings: Findings,
  origin: string,
  switches: { removeOverlays: boolean; removeUnspecified: boolean },
): void {
  const it = s.item;
  if (it.kind !== "element") return;
  const src = s.source;
  const tag = target.tag;

  if (tag !== null && tag >>> 16 === 0x0000) {
    findings.add(src, ImportCode.commandElement, it.span, `${tagText(tag)} is a command element (group 0000), which DICOM networking uses and stored objects never hold; the rule is not imported`);
    draft.comment(`${origin} ${tagText(tag)}: a command element, never in a stored object (${it.script})`);
    return;
  }
  if (!target.listed) {
    findings.add(src, ImportCode.unknownAttribute, it.span, `deidc's data dictionary (PS3.6 ${DICTIONARY_RELEASE}) does not list ${tagText(tag!)}; the rule is written for the one-tag range ${target.selector} so that it still applies`, {
      help: "check the tag: a retired attribute, or one newer than the dictionary, is fine; a typo is not",
    });
  }
  if (tag !== null && (WRITTEN_BY_DEIDC.has(tag) || tag >>> 16 === 0x0002)) {
    const what = WRITTEN_BY_DEIDC.get(tag) ?? "the File Meta Information";
    findings.add(src, ImportCode.writtenByDeidc, it.span, `deidc writes ${what} ${tagText(tag)} itself, in every output; the script's rule is not imported`, {
      help: "deidc's values record the profile, its options and the deidc version (docs/run.md)",
    });
    draft.comment(`${origin} ${target.selector}: written by deidc itself (${it.script})`);
    return;
  }
  if (tag !== null && switches.removeOverlays && (tag >>> 16 & 0xff00) === 0x6000) {
    // processElements removes overlays before it looks at scripts.
    findings.add(src, ImportCode.overridden, it.span, `CTP removes overlays before it applies scripts, so the script for ${target.label} has no effect; the import removes the element`);
    draft.rule({ selector: target.selector, action: "remove", origin });
    return;
  }

  const translation = translateElement(it.script, target, env);
  for (const note of translation.notes) findings.add(src, note.code, it.span, note.message, note.help ? { help: note.help } : {});
  // `@always()` creates a missing element; `create` does the same for a standard attribute at the top level.
  const creatable = (action: string): string | null => {
    if (action === "empty") return '""';
    return /^(keep|remove|U|dummy|clean)$/.test(action) || /^(shift|lookup|coarsen|replace)\(/.test(action) ? null : action;
  };
  let created = false;
  if (translation.always && LANGUAGE_FEATURES.create && tag !== null && !target.isPrivate && target.listed) {
    translation.rules = translation.rules.map((r) => {
      const value = creatable(r.action);
      if (value === null) return r;
      created = true;
      return { ...r, action: `create ${value}` };
    });
  }
  if (translation.always && !created && !translation.rules.every((r) => r.action === "keep")) {
    findings.add(src, ImportCode.cannotCreate, it.span, `\`@always()\` makes CTP create ${target.label} when the object lacks it; deidc rules change only elements the object has`, {
      help: "PatientIdentityRemoved, DeidentificationMethod and the method code sequence are the ones deidc creates, in every output",
    });
    draft.comment(`${origin} @always(): CTP also creates the element when it is missing; deidc does not`);
  }
  for (const c of translation.comments) draft.comment(`${origin} ${c}`);
  for (const f of translation.filters) draft.filter({ outcome: f.outcome, when: f.when, because: f.because, origin });
  for (const r of translation.rules) {
    const selector = r.rootOnly ? `/${target.selector}` : target.selector;
    draft.rule({ selector, action: r.action, ...(r.when ? { when: r.when } : {}), ...(r.action === "keep" && switches.removeUnspecified ? { because: "kept by the CTP script" } : {}), origin });
  }
}

function emitRemove(
  s: SourcedItem,
  draft: ProfileDraft,
  findings: Findings,
  origin: string,
  switches: { removePrivate: boolean; removeUnspecified: boolean; removeOverlays: boolean; removeCurves: boolean; scriptedTags: ReadonlySet<number> },
): void {
  const it = s.item;
  if (it.kind !== "remove") return;
  switch (it.target) {
    case "privategroups":
      draft.rule({ selector: "private *", action: "remove", origin });
      break;
    case "unspecifiedelements":
      draft.rule({ selector: "*", action: "remove", origin });
      if (!switches.removePrivate) draft.rule({ selector: "private *", action: "remove", origin });
      draft.comment("CTP keeps these even when it removes unspecified elements (group 0002, the File Meta Information, deidc writes itself)");
      for (const tag of ALWAYS_KEPT_TAGS) {
        if (!switches.scriptedTags.has(tag)) draft.rule({ selector: attributeText(tag), action: "keep", because: "CTP always keeps it", origin });
      }
      draft.rule({ selector: groupRangeText(0x0028), action: "keep", because: "CTP always keeps group 0028, the image description", origin });
      draft.rule({ selector: groupRangeText(0x7fe0), action: "keep", because: "CTP always keeps group 7FE0, the pixel data", origin });
      if (!switches.removeOverlays) draft.rule({ selector: "(60xx,xxxx)", action: "keep", because: "CTP keeps overlays unless the script removes them", origin });
      if (!switches.removeCurves) draft.rule({ selector: "(50xx,xxxx)", action: "keep", because: "CTP keeps curves unless the script removes them", origin });
      break;
    case "overlays":
      draft.rule({ selector: "(60xx,xxxx)", action: "remove", origin });
      break;
    case "curves":
      if (!switches.removeUnspecified) {
        findings.add(s.source, ImportCode.noEffect, it.span, "CTP removes curves only together with unspecified elements, so without that switch this rule keeps every curve; the import keeps them too", {
          help: 'add `<r en="T" t="unspecifiedelements">`, or write `(50xx,xxxx) -> remove` in the profile',
        });
        draft.comment(`${origin} remove curves: no effect in CTP without remove unspecified elements`);
      }
      break;
    default:
      findings.add(s.source, ImportCode.ignoredLine, it.span, `CTP has no remove rule \`${it.target}\`, so it ignores this one`, { help: "CTP's remove rules are privategroups, unspecifiedelements, overlays and curves" });
      draft.comment(`${origin} ignored by CTP: remove ${it.target}`);
  }
}
