// The Clinical Trial modules of PS3.3 whose attributes sit in the top-level
// dataset of an image: which attributes belong to each, and which a module
// that is present must have (Type 1 with a value, Type 2 present, Type 1C
// when their condition holds). Attributes that live only inside a module's
// sequence items (Distribution Type, Consent for Distribution Flag) are not
// members: they are never added at the top level.

export interface TrialModule {
  name: string;
  /** the PS3.3 section */
  section: string;
  /** the module's top-level attributes, sequences included */
  members: readonly number[];
  type1: readonly number[];
  type2: readonly number[];
  /** Type 1C: one of each group must be present with a value */
  oneOf: readonly (readonly number[])[];
  /** Type 1C: `then` must be present with a value where `present` is */
  requiredIf: readonly { present: number; then: number }[];
}

export const TRIAL_MODULES: readonly TrialModule[] = [
  {
    name: "Clinical Trial Subject",
    section: "C.7.1.3",
    members: [
      0x00120010, 0x00120020, 0x00120021, 0x00120022, 0x00120023, 0x00120030, 0x00120031, 0x00120032, 0x00120040, 0x00120041, 0x00120042, 0x00120043, 0x00120081,
      0x00120082, 0x00120086, 0x00120087,
    ],
    type1: [0x00120010, 0x00120020],
    type2: [0x00120021, 0x00120030, 0x00120031],
    // Clinical Trial Subject ID, or else Subject Reading ID
    oneOf: [[0x00120040, 0x00120042]],
    // an Ethics Committee Approval Number needs the committee's name
    requiredIf: [{ present: 0x00120082, then: 0x00120081 }],
  },
  {
    name: "Clinical Trial Study",
    section: "C.7.2.3",
    members: [0x00120050, 0x00120051, 0x00120052, 0x00120053, 0x00120054, 0x00120055, 0x00120083],
    type1: [],
    type2: [0x00120050],
    oneOf: [],
    // (Longitudinal Temporal Event Type is 1C on Longitudinal Temporal Offset from Event, an FD that `create` cannot add.)
    requiredIf: [],
  },
  {
    name: "Clinical Trial Series",
    section: "C.7.3.2",
    members: [0x00120060, 0x00120071, 0x00120072, 0x00120073],
    type1: [],
    type2: [0x00120060],
    oneOf: [],
    requiredIf: [],
  },
];

/** Whether `tag` is a top-level attribute of a Clinical Trial module. */
export function isTrialModuleAttribute(tag: number): boolean {
  return TRIAL_MODULES.some((m) => m.members.includes(tag));
}
