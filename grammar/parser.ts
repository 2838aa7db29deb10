// The grammar of the .deid language (docs/language.md), as one Chevrotain
// CstParser. There is a single instance, `deidParser()`; callers reset it by
// assigning `parser.input = tokens` and then call `parser.deidFile()`.
//
// Error recovery works on two levels:
//   - inside a statement, Chevrotain's single-token insertion and deletion and
//     its re-synchronisation on the follow sets of small rules (an argument
//     list, a pixel block) repair local mistakes;
//   - between statements, this parser does its own re-synchronisation: a
//     statement that cannot be repaired is abandoned, and parsing resumes at
//     the next token that starts a statement at the beginning of a line.
//     Chevrotain's own statement-level re-synchronisation would resume at the
//     next name anywhere, even in the middle of the broken line, and report a
//     cascade of errors for one mistake.

import {
  CstParser,
  EOF,
  getLookaheadPaths,
  isRecognitionException,
  tokenLabel,
  tokenMatcher,
  type CstNode,
  type IParserErrorMessageProvider,
  type IToken,
  type TokenType,
} from "chevrotain";
import * as T from "./tokens";

/** Where a run of tokens that starts no statement was found. */
export type StatementContext = "file" | "option";

/** Syntax problems the parser notices itself, beside Chevrotain's `errors`. */
export type ParseFinding =
  | {
      /** tokens that cannot start a statement; `token` is the first, the rest of its statement was skipped */
      kind: "unexpected-token";
      token: IToken;
      context: StatementContext;
    }
  | {
      /** `=` used as a comparison operator (`when Modality = "US"`); parsed as `==` */
      kind: "assignment-in-condition";
      token: IToken;
    }
  | {
      /** `when` (or `any where`) with no condition after it; `token` is the keyword, `found` what follows it */
      kind: "missing-condition";
      token: IToken;
      found: IToken;
      /** the `when` of a conditional block, which cannot go without one */
      block: boolean;
    }
  | {
      /**
       * A `when` after the statement's `because` (`A -> X because "r" when B`), or a
       * second `when`: `token` is that `when`, `last` the last token of its condition;
       * `because` the statement's `because`, if it has one, and `earlier` whether it
       * already had a condition. The condition is kept (as the statement's, unless it
       * has one).
       */
      kind: "late-condition";
      token: IToken;
      last: IToken;
      because: IToken | undefined;
      earlier: boolean;
    };

// What is expected where a generic "expected X, Y or Z" would say too little.
/** Exported so parse.ts can attach the matching help. */
export const EXPECTED_ARROW = "expected `->` after the selector";
const EXPECTED_ACTION = "an action";
const EXPECTED_VALUE = "a value";
const EXPECTED_SELECTOR = "a selector";

/** Tokens that close something; only these may be inserted across a line break. */
const CLOSING_TOKENS: ReadonlySet<TokenType> = new Set([T.RParen, T.RBracket, T.RBrace]);

/** Tokens that carry a value: inserting one would invent a name, a number or a string. */
const VALUE_TOKENS: ReadonlySet<TokenType> = new Set([
  T.Name,
  T.QualifiedName,
  T.StringLiteral,
  T.NumberLiteral,
  T.RegexLiteral,
  T.Tag,
  T.PrivateTag,
  T.VrCode,
  T.ActionCode,
]);

/** Tokens an expression may contain: scanning a `when` condition stops at the first other token. */
const EXPRESSION_TOKENS: ReadonlySet<TokenType> = new Set([
  T.Name, T.QualifiedName, T.StringLiteral, T.NumberLiteral, T.RegexLiteral, T.Tag, T.PrivateTag, T.VrCode, T.ActionCode,
  T.And, T.Or, T.Not, T.In, T.Contains, T.Empty, T.EqualEqual, T.NotEqual, T.Less, T.LessEqual, T.Greater, T.GreaterEqual,
  T.Tilde, T.NotTilde, T.Equals, T.Plus, T.LParen, T.RParen, T.LBracket, T.RBracket, T.Comma, T.DotDot,
]);

function describeAlternatives(paths: TokenType[][][]): string {
  const labels: string[] = [];
  for (const alternative of paths) {
    for (const path of alternative) {
      const first = path[0];
      if (first !== undefined && !labels.includes(tokenLabel(first))) labels.push(tokenLabel(first));
    }
  }
  if (labels.length === 0) return "something else";
  if (labels.length === 1) return labels[0]!;
  return `${labels.slice(0, -1).join(", ")} or ${labels[labels.length - 1]}`;
}

/**
 * Messages say what was expected; parse.ts adds what was found, because it
 * knows where the found token is relative to the line.
 */
const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected }) => `expected ${tokenLabel(expected)}`,
  buildNotAllInputParsedMessage: () => "expected the end of the file",
  buildNoViableAltMessage: ({ expectedPathsPerAlt, customUserDescription }) =>
    `expected ${customUserDescription ?? describeAlternatives(expectedPathsPerAlt)}`,
  buildEarlyExitMessage: ({ expectedIterationPaths, customUserDescription }) =>
    `expected ${customUserDescription ?? describeAlternatives([expectedIterationPaths])}`,
};

function startsLaterLine(token: IToken, previous: IToken): boolean {
  // EOF and tokens inserted by recovery have NaN positions: the comparison is false.
  return token.startLine! > previous.endLine!;
}

// Labels name the CST children that lowering reads. They are constants, and
// every alternative list and repeated body below is built once, in a field,
// rather than on each rule invocation: this follows Chevrotain's performance
// guide and halves what a parse allocates.
const LABEL = {
  name: { LABEL: "name" },
  title: { LABEL: "title" },
  path: { LABEL: "path" },
  code: { LABEL: "code" },
  basedOn: { LABEL: "basedOn" },
  options: { LABEL: "options" },
  release: { LABEL: "release" },
  variable: { LABEL: "variable" },
  type: { LABEL: "type" },
  default: { LABEL: "default" },
  value: { LABEL: "value" },
  condition: { LABEL: "condition" },
  lateWhen: { LABEL: "lateWhen" },
  lateCondition: { LABEL: "lateCondition" },
  reason: { LABEL: "reason" },
  privateStar: { LABEL: "privateStar" },
  allStar: { LABEL: "allStar" },
  anchor: { LABEL: "anchor" },
  rangeFrom: { LABEL: "rangeFrom" },
  rangeTo: { LABEL: "rangeTo" },
  keyword: { LABEL: "keyword" },
  itemIndex: { LABEL: "itemIndex" },
  anyItem: { LABEL: "anyItem" },
  word: { LABEL: "word" },
  days: { LABEL: "days" },
  table: { LABEL: "table" },
  keys: { LABEL: "keys" },
  otherwise: { LABEL: "otherwise" },
  unit: { LABEL: "unit" },
  pattern: { LABEL: "pattern" },
  replacement: { LABEL: "replacement" },
  outcome: { LABEL: "outcome" },
  x: { LABEL: "x" },
  y: { LABEL: "y" },
  width: { LABEL: "width" },
  height: { LABEL: "height" },
  fill: { LABEL: "fill" },
  from: { LABEL: "from" },
  to: { LABEL: "to" },
  operands: { LABEL: "operands" },
  left: { LABEL: "left" },
  operator: { LABEL: "operator" },
  right: { LABEL: "right" },
  callee: { LABEL: "callee" },
  arguments: { LABEL: "arguments" },
  inner: { LABEL: "inner" },
  items: { LABEL: "items" },
  verb: { LABEL: "verb" },
  anyLevel: { LABEL: "anyLevel" },
  quarantine: { LABEL: "quarantine" },
  mode: { LABEL: "mode" },
  offset: { LABEL: "offset" },
  edge: { LABEL: "edge" },
  red: { LABEL: "red" },
  green: { LABEL: "green" },
  blue: { LABEL: "blue" },
} as const;

const ARROW_AFTER_SELECTOR = { ERR_MSG: EXPECTED_ARROW };

class DeidParser extends CstParser {
  findings: ParseFinding[] = [];
  private itemStarts: TokenType[] = [];
  private statementStarts: TokenType[] = [];

  constructor() {
    super(T.parserTokens, {
      recoveryEnabled: true,
      maxLookahead: 2,
      // Node locations cost a quarter of the parse; lowering computes spans from tokens.
      nodeLocationTracking: "none",
      errorMessageProvider: errorMessages,
      skipValidations: T.SKIP_GRAMMAR_VALIDATION,
    });
    this.performSelfAnalysis();
    this.itemStarts = this.firstTokensOf("item");
    this.statementStarts = this.firstTokensOf("statement");
  }

  override reset(): void {
    super.reset();
    this.findings = [];
  }

  // ---------------------------------------------------------------- file and items

  private readonly topLevelStatements = {
    GATE: () => this.skipUnexpectedTokens("file"),
    DEF: () => this.parseStatementOrResync("file", () => this.SUBRULE(this.item)),
  };

  deidFile = this.RULE("deidFile", () => {
    this.OPTION(() => this.SUBRULE(this.versionLine));
    this.MANY(this.topLevelStatements);
  });

  versionLine = this.RULE("versionLine", () => {
    this.CONSUME(T.Deid);
    this.CONSUME(T.NumberLiteral);
  });

  private readonly itemAlternatives = [
    { ALT: () => this.SUBRULE(this.importDeclaration) },
    { ALT: () => this.SUBRULE(this.profileHeader) },
    { ALT: () => this.SUBRULE(this.optionUnit) },
    { ALT: () => this.SUBRULE(this.secretDeclaration) },
    { ALT: () => this.SUBRULE(this.paramDeclaration) },
    { ALT: () => this.SUBRULE(this.letDeclaration) },
    { ALT: () => this.SUBRULE(this.pixelApplyDeclaration) },
    { ALT: () => this.SUBRULE(this.statement) },
  ];

  item = this.RULE("item", () => this.OR(this.itemAlternatives), { resyncEnabled: false });

  private readonly statementAlternatives = [
    { ALT: () => this.SUBRULE(this.rule) },
    { ALT: () => this.SUBRULE(this.filterStatement) },
    { ALT: () => this.SUBRULE(this.pixelBlock) },
    { ALT: () => this.SUBRULE(this.conditionalBlock) },
  ];

  statement = this.RULE("statement", () => this.OR(this.statementAlternatives), { resyncEnabled: false });

  private readonly qualifiedNameAlternatives = {
    DEF: [{ ALT: () => this.CONSUME(T.QualifiedName) }, { ALT: () => this.CONSUME(T.Name) }],
    ERR_MSG: "a name",
  };

  qualifiedName = this.RULE("qualifiedName", () => this.OR(this.qualifiedNameAlternatives));

  importDeclaration = this.RULE(
    "importDeclaration",
    () => {
      this.CONSUME(T.Import);
      this.CONSUME(T.StringLiteral, LABEL.path);
    },
    { resyncEnabled: false },
  );

  profileHeader = this.RULE(
    "profileHeader",
    () => {
      this.CONSUME(T.Profile);
      this.SUBRULE(this.qualifiedName, LABEL.name);
      this.OPTION(() => this.CONSUME(T.StringLiteral, LABEL.title));
      this.MANY(() => {
        this.OR([
          {
            ALT: () => {
              this.CONSUME(T.Based);
              this.CONSUME(T.On);
              this.SUBRULE2(this.qualifiedName, LABEL.basedOn);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.With);
              this.SUBRULE3(this.qualifiedName, LABEL.options);
              this.MANY2(() => {
                this.CONSUME(T.Comma);
                this.SUBRULE4(this.qualifiedName, LABEL.options);
              });
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Code);
              this.CONSUME(T.NumberLiteral, LABEL.code);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Release);
              this.CONSUME2(T.StringLiteral, LABEL.release);
            },
          },
        ]);
      });
    },
    { resyncEnabled: false },
  );

  private readonly optionStatements = {
    GATE: () => this.skipUnexpectedTokens("option"),
    DEF: () => this.parseStatementOrResync("option", () => this.SUBRULE(this.statement)),
  };

  optionUnit = this.RULE(
    "optionUnit",
    () => {
      this.CONSUME(T.Option);
      this.SUBRULE(this.qualifiedName, LABEL.name);
      this.OPTION(() => this.CONSUME(T.StringLiteral, LABEL.title));
      this.OPTION2(() => {
        this.CONSUME(T.Code);
        this.CONSUME(T.NumberLiteral, LABEL.code);
      });
      this.CONSUME(T.LBrace);
      this.MANY(this.optionStatements);
      this.CONSUME(T.RBrace);
    },
    { resyncEnabled: false },
  );

  secretDeclaration = this.RULE(
    "secretDeclaration",
    () => {
      this.CONSUME(T.Secret);
      this.CONSUME(T.Name, LABEL.name);
      this.CONSUME(T.From);
      this.OR({
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.Env);
              this.CONSUME2(T.Name, LABEL.variable);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.File);
              this.CONSUME(T.StringLiteral, LABEL.path);
            },
          },
        ],
        ERR_MSG: "`env` or `file`",
      });
    },
    { resyncEnabled: false },
  );

  paramDeclaration = this.RULE(
    "paramDeclaration",
    () => {
      this.CONSUME(T.Param);
      this.CONSUME(T.Name, LABEL.name);
      this.CONSUME(T.Colon);
      this.CONSUME2(T.Name, LABEL.type);
      this.OPTION(() => {
        this.CONSUME(T.Equals);
        this.SUBRULE(this.expression, LABEL.default);
      });
    },
    { resyncEnabled: false },
  );

  letDeclaration = this.RULE(
    "letDeclaration",
    () => {
      this.CONSUME(T.Let);
      this.CONSUME(T.Name, LABEL.name);
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression, LABEL.value);
    },
    { resyncEnabled: false },
  );

  // ---------------------------------------------------------------- rules

  private readonly moreSelectors = () => {
    this.CONSUME(T.Comma);
    this.SUBRULE2(this.selector);
  };

  /** `when` and its condition (see `conditionFollows`); returns the `when`. */
  private readonly ruleCondition = (): IToken => {
    const when = this.CONSUME(T.When);
    const condition = this.OPTION4({
      GATE: () => this.conditionFollows(when),
      DEF: () => this.SUBRULE(this.expression, LABEL.condition),
    });
    if (condition === undefined) this.missingCondition(when);
    return when;
  };

  /** `because` and the reason; returns the `because`. */
  private readonly ruleReason = (): IToken => {
    const because = this.CONSUME(T.Because);
    this.CONSUME(T.StringLiteral, LABEL.reason);
    return because;
  };

  /**
   * Whether a condition is to be parsed after `keyword` (`when`, `where`).
   * Not when the keyword ends its line and the next line starts with a rule
   * (`PatientID -> X`): the condition was left out, and that line is the
   * next statement. Where the next token cannot start a condition
   * (`because`, `{`, the end of the file) the OPTION's own lookahead says no.
   */
  private conditionFollows(keyword: IToken): boolean {
    const first = this.LA(1);
    return tokenMatcher(first, EOF) || !startsLaterLine(first, keyword) || !this.ruleStartsHere();
  }

  /**
   * Whether the next line starts with a rule's selectors and its `->`:
   * `A ->`, `A, B/C[0]/** ->`, `(0008,0000)..(0008,FFFF) ->`, `vr DA, DT ->`,
   * `private * ->`, `* ->`, `keyword /re/ ->`, `any where`. An expression
   * never reads so: no operand of one is followed by `->` or `,` directly.
   * Only that line counts: a condition may be split over lines (`when` then
   * `AccessionNumber` alone on the next line), and a path on the line after
   * it is the next rule's.
   */
  private ruleStartsHere(): boolean {
    const line = this.LA(1).startLine;
    let i = 1;
    const at = (type: TokenType, ahead = 0) => {
      const token = this.LA(i + ahead);
      return token.startLine === line && tokenMatcher(token, type);
    };
    for (;;) {
      if (at(T.Vr) && at(T.VrCode, 1)) {
        i += 2;
        while (at(T.Comma) && at(T.VrCode, 1)) i += 2;
      } else if (at(T.Private) && at(T.Star, 1)) i += 2;
      else if (at(T.KeywordWord) && at(T.RegexLiteral, 1)) i += 2;
      else if (at(T.AnyWord) && at(T.Where, 1)) return true;
      else if (at(T.Star) && !at(T.Slash, 1)) i++;
      else {
        if (at(T.Slash)) i++;
        for (;;) {
          if (at(T.Tag) && at(T.DotDot, 1) && at(T.Tag, 2)) i += 3;
          else if (at(T.Name) || at(T.Tag) || at(T.PrivateTag) || at(T.Star) || at(T.DoubleStar)) i++;
          else return false;
          if (at(T.LBracket) && (at(T.NumberLiteral, 1) || at(T.Star, 1)) && at(T.RBracket, 2)) i += 3;
          if (!at(T.Slash)) break;
          i++;
        }
      }
      if (at(T.Arrow)) return true;
      if (!at(T.Comma)) return false;
      i++;
    }
  }

  /**
   * A `when` or `where` with no condition: recorded, and parsing goes on
   * after the keyword, so the mistake gets one diagnostic that names it
   * rather than an error about whatever token follows.
   */
  private missingCondition(keyword: IToken, block = false): void {
    this.ACTION(() => this.findings.push({ kind: "missing-condition", token: keyword, found: this.LA(1), block }));
  }

  /**
   * A `when` after the statement's reason (`A -> X because "r" when B`) or
   * after its condition (`A -> X when B when C`): parsed, so the statement
   * is kept, and recorded, so parse.ts says what to write instead. Without
   * this the `when` would start a conditional block, and the error would be
   * a missing `{` at the end of the line.
   */
  private lateCondition(earlier: boolean, because: IToken | undefined): void {
    const when = this.CONSUME2(T.When, LABEL.lateWhen);
    const condition = this.OPTION5({
      GATE: () => this.conditionFollows(when),
      DEF: () => this.SUBRULE2(this.expression, LABEL.lateCondition),
    });
    if (condition === undefined) this.missingCondition(when);
    else this.ACTION(() => this.findings.push({ kind: "late-condition", token: when, last: this.LA(0), because, earlier }));
  }

  /**
   * A rule's `when` is its own unless it opens a conditional block on the next
   * line: `A -> X` then `when B { ... }`. An expression never contains `{`, so
   * the `when` opens a block exactly when the first token after its condition is `{`.
   */
  private readonly ownCondition = {
    GATE: () => !this.whenOpensBlock(),
    DEF: this.ruleCondition,
  };

  private whenOpensBlock(): boolean {
    for (let i = 2; ; i++) {
      const token = this.LA(i);
      if (tokenMatcher(token, EOF)) return false;
      if (tokenMatcher(token, T.LBrace)) return true;
      if (!EXPRESSION_TOKENS.has(token.tokenType)) return false;
    }
  }

  rule = this.RULE(
    "rule",
    () => {
      this.SUBRULE(this.selector);
      this.MANY(this.moreSelectors);
      this.CONSUME(T.Arrow, ARROW_AFTER_SELECTOR);
      this.SUBRULE(this.action);
      const when = this.OPTION(this.ownCondition);
      const because = this.OPTION2(this.ruleReason);
      this.OPTION3({ GATE: () => !this.whenOpensBlock(), DEF: () => this.lateCondition(when !== undefined, because) });
    },
    { resyncEnabled: false },
  );

  private readonly selectorAlternatives = {
    DEF: [
      {
        // `*` alone; `*/PatientID` is a path whose first step is any one sequence level.
        GATE: () => !tokenMatcher(this.LA(2), T.Slash),
        ALT: () => this.CONSUME2(T.Star, LABEL.allStar),
        IGNORE_AMBIGUITIES: true,
      },
      {
        // `keyword /Date$/`: every standard attribute whose keyword matches.
        ALT: () => {
          this.CONSUME(T.KeywordWord);
          this.CONSUME(T.RegexLiteral, LABEL.pattern);
        },
      },
      {
        // `any where value == PatientName`: every element whose value passes the test.
        ALT: () => {
          this.CONSUME(T.AnyWord);
          const where = this.CONSUME(T.Where);
          const test = this.OPTION({
            GATE: () => this.conditionFollows(where),
            DEF: () => this.SUBRULE(this.expression, LABEL.condition),
          });
          if (test === undefined) this.missingCondition(where);
        },
      },
      { ALT: () => this.SUBRULE(this.pathSelector) },
      { ALT: () => this.SUBRULE(this.vrSelector) },
      {
        ALT: () => {
          this.CONSUME(T.Private);
          this.CONSUME(T.Star, LABEL.privateStar);
        },
      },
    ],
    ERR_MSG: EXPECTED_SELECTOR,
  };

  selector = this.RULE("selector", () => this.OR(this.selectorAlternatives));

  // `vr DA, DT, PatientName`: a comma continues the VR list only when a VR follows it.
  private readonly moreVrs = {
    GATE: () => tokenMatcher(this.LA(2), T.VrCode),
    DEF: () => {
      this.CONSUME(T.Comma);
      this.CONSUME2(T.VrCode);
    },
  };

  vrSelector = this.RULE("vrSelector", () => {
    this.CONSUME(T.Vr);
    this.CONSUME(T.VrCode);
    this.MANY(this.moreVrs);
  });

  private readonly pathAnchor = () => this.CONSUME(T.Slash, LABEL.anchor);

  private readonly morePathSteps = () => {
    this.CONSUME2(T.Slash);
    this.SUBRULE2(this.pathStep);
  };

  pathSelector = this.RULE("pathSelector", () => {
    this.OPTION(this.pathAnchor);
    this.SUBRULE(this.pathStep);
    this.MANY(this.morePathSteps);
  });

  private readonly pathStepAlternatives = {
    DEF: [
      { ALT: () => this.CONSUME(T.DoubleStar) },
      // `*`: exactly one sequence level, of any sequence
      { ALT: () => this.CONSUME(T.Star, LABEL.anyLevel) },
      { ALT: () => this.SUBRULE(this.elementStep) },
    ],
    ERR_MSG: "an attribute keyword, a tag, `*` or `**`",
  };

  pathStep = this.RULE("pathStep", () => this.OR(this.pathStepAlternatives));

  private readonly elementAlternatives = {
    DEF: [
      {
        ALT: () => {
          this.CONSUME(T.Tag, LABEL.rangeFrom);
          this.CONSUME(T.DotDot);
          this.CONSUME2(T.Tag, LABEL.rangeTo);
        },
      },
      { ALT: () => this.CONSUME3(T.Tag) },
      { ALT: () => this.CONSUME(T.PrivateTag) },
      { ALT: () => this.CONSUME(T.Name, LABEL.keyword) },
    ],
    ERR_MSG: "an attribute keyword or a tag",
  };

  private readonly itemIndex = () => {
    this.CONSUME(T.LBracket);
    this.OR2({
      DEF: [
        { ALT: () => this.CONSUME(T.NumberLiteral, LABEL.itemIndex) },
        { ALT: () => this.CONSUME(T.Star, LABEL.anyItem) },
      ],
      ERR_MSG: "an item index or `*`",
    });
    this.CONSUME(T.RBracket);
  };

  elementStep = this.RULE("elementStep", () => {
    this.OR(this.elementAlternatives);
    this.OPTION(this.itemIndex);
  });

  // ---------------------------------------------------------------- actions

  private readonly actionAlternatives = {
    DEF: [
      { ALT: () => this.CONSUME(T.ActionCode) },
      { ALT: () => this.CONSUME(T.Keep, LABEL.word) },
      { ALT: () => this.CONSUME(T.Remove, LABEL.word) },
      { ALT: () => this.CONSUME(T.Dummy, LABEL.word) },
      { ALT: () => this.CONSUME(T.Clean, LABEL.word) },
      { ALT: () => this.CONSUME(T.Uid, LABEL.word) },
      { ALT: () => this.SUBRULE(this.shiftAction) },
      { ALT: () => this.SUBRULE(this.lookupAction) },
      { ALT: () => this.SUBRULE(this.coarsenAction) },
      { ALT: () => this.SUBRULE(this.replaceAction) },
      {
        // `create lookup(...) else ...` is a lookup that also adds the attribute the object lacks;
        // `set lookup` is the lookup, and lint refuses `append lookup` (CreateAppendRule).
        ALT: () => {
          this.OR2(this.valueVerbs);
          this.OR3(this.verbObjects);
        },
      },
      // Before the `empty` word: `empty(Attribute)` is a call, a value to set.
      { ALT: () => this.SUBRULE(this.expression, LABEL.value) },
      { ALT: () => this.CONSUME(T.Empty, LABEL.word) },
    ],
    ERR_MSG: EXPECTED_ACTION,
  };

  /** `set` (present elements), `create` (also adds an absent one), `append` (adds a value) */
  private readonly valueVerbs = [
    { ALT: () => this.CONSUME(T.Set, LABEL.verb) },
    { ALT: () => this.CONSUME(T.Create, LABEL.verb) },
    { ALT: () => this.CONSUME(T.Append, LABEL.verb) },
  ];

  private readonly verbObjects = {
    DEF: [{ ALT: () => this.SUBRULE2(this.lookupAction) }, { ALT: () => this.SUBRULE2(this.expression, LABEL.value) }],
    ERR_MSG: EXPECTED_VALUE,
  };

  action = this.RULE("action", () => this.OR(this.actionAlternatives));

  shiftAction = this.RULE("shiftAction", () => {
    this.CONSUME(T.Shift);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression, LABEL.days);
    this.CONSUME(T.RParen);
  });

  private readonly lookupKeys = {
    DEF: () => {
      this.CONSUME(T.Comma);
      this.SUBRULE(this.expression, LABEL.keys);
    },
    ERR_MSG: "`,` and a lookup key after the table",
  };

  lookupAction = this.RULE("lookupAction", () => {
    this.CONSUME(T.Lookup);
    this.CONSUME(T.LParen);
    this.CONSUME(T.StringLiteral, LABEL.table);
    this.AT_LEAST_ONE(this.lookupKeys);
    this.CONSUME(T.RParen);
    this.CONSUME(T.Else);
    this.OR({
      DEF: [{ ALT: () => this.CONSUME(T.Quarantine, LABEL.quarantine) }, { ALT: () => this.SUBRULE(this.action, LABEL.otherwise) }],
      ERR_MSG: "an action or `quarantine`",
    });
  });

  coarsenAction = this.RULE("coarsenAction", () => {
    this.CONSUME(T.Coarsen);
    this.CONSUME(T.LParen);
    this.CONSUME(T.Name, LABEL.unit);
    this.CONSUME(T.RParen);
  });

  replaceAction = this.RULE("replaceAction", () => {
    this.CONSUME(T.Replace);
    this.CONSUME(T.LParen);
    this.CONSUME(T.RegexLiteral, LABEL.pattern);
    this.CONSUME(T.Comma);
    this.CONSUME(T.StringLiteral, LABEL.replacement);
    this.CONSUME(T.RParen);
  });

  // ---------------------------------------------------------------- filters and pixels

  private readonly filterOutcomes = [
    { ALT: () => this.CONSUME(T.Reject, LABEL.outcome) },
    { ALT: () => this.CONSUME(T.Quarantine, LABEL.outcome) },
    { ALT: () => this.CONSUME(T.Accept, LABEL.outcome) },
    { ALT: () => this.CONSUME(T.Skip, LABEL.outcome) },
  ];

  filterStatement = this.RULE(
    "filterStatement",
    () => {
      this.OR(this.filterOutcomes);
      // as for rules: `reject` then `when B {` on the next line is a filter and a block
      const when = this.OPTION(this.ownCondition);
      const because = this.OPTION2(this.ruleReason);
      this.OPTION3({ GATE: () => !this.whenOpensBlock(), DEF: () => this.lateCondition(when !== undefined, because) });
    },
    { resyncEnabled: false },
  );

  private readonly blockStatements = {
    GATE: () => this.skipUnexpectedTokens("option"),
    DEF: () => this.parseStatementOrResync("option", () => this.SUBRULE(this.statement)),
  };

  /** `when <expr> { <statements> }`: each statement inside also needs the block's condition. */
  conditionalBlock = this.RULE(
    "conditionalBlock",
    () => {
      const when = this.CONSUME(T.When);
      const condition = this.OPTION({
        GATE: () => this.conditionFollows(when),
        DEF: () => this.SUBRULE(this.expression, LABEL.condition),
      });
      if (condition === undefined) this.missingCondition(when, true);
      this.CONSUME(T.LBrace);
      this.MANY(this.blockStatements);
      this.CONSUME(T.RBrace);
    },
    { resyncEnabled: false },
  );

  /** `pixels apply first` / `pixels apply all`: which of the blocks whose condition holds apply. */
  pixelApplyDeclaration = this.RULE(
    "pixelApplyDeclaration",
    () => {
      this.CONSUME(T.Pixels);
      this.CONSUME(T.Apply);
      this.OR({
        DEF: [{ ALT: () => this.CONSUME(T.First, LABEL.mode) }, { ALT: () => this.CONSUME(T.All, LABEL.mode) }],
        ERR_MSG: "`first` or `all`",
      });
    },
    { resyncEnabled: false },
  );

  pixelBlock = this.RULE(
    "pixelBlock",
    () => {
      this.CONSUME(T.Pixels);
      this.OPTION3(() => this.CONSUME(T.Complete));
      const when = this.OPTION(this.ruleCondition);
      const because = this.OPTION2(this.ruleReason);
      // `pixels because "r" when B {`: the `{` of the block follows, so a `when` here is late
      this.OPTION6(() => this.lateCondition(when !== undefined, because));
      this.CONSUME(T.LBrace);
      this.MANY(() => this.SUBRULE(this.pixelRegion));
      this.CONSUME(T.RBrace);
    },
    { resyncEnabled: false },
  );

  private readonly regionFrames = () => {
    this.CONSUME(T.Frames);
    this.SUBRULE(this.frameRange);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.frameRange);
    });
  };

  private readonly regionFill = () => {
    this.CONSUME(T.Fill);
    this.OR3({
      DEF: [{ ALT: () => this.CONSUME(T.NumberLiteral, LABEL.fill) }, { ALT: () => this.SUBRULE(this.colour) }],
      ERR_MSG: "a fill value or a colour `(R, G, B)`",
    });
  };

  /** `blank` or `keep` a shape; `blank all` fills the whole image (`keep all` would keep everything). */
  pixelRegion = this.RULE("pixelRegion", () => {
    this.OR({
      DEF: [
        {
          ALT: () => {
            this.CONSUME(T.Blank, LABEL.mode);
            this.OR2({
              DEF: [{ ALT: () => this.SUBRULE(this.regionShape) }, { ALT: () => this.CONSUME(T.All) }],
              ERR_MSG: "a rectangle `(x, y, width, height)`, `from (x0, y0) to (x1, y1)`, `all` or `ultrasound regions`",
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Keep, LABEL.mode);
            this.SUBRULE2(this.regionShape);
          },
        },
      ],
      ERR_MSG: "`blank` or `keep`",
    });
    this.OPTION(this.regionFrames);
    this.OPTION2(this.regionFill);
  });

  regionShape = this.RULE("regionShape", () => {
    this.OR({
      DEF: [
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            this.SUBRULE(this.coordinate, LABEL.x);
            this.CONSUME(T.Comma);
            this.SUBRULE2(this.coordinate, LABEL.y);
            this.CONSUME2(T.Comma);
            this.SUBRULE3(this.coordinate, LABEL.width);
            this.CONSUME3(T.Comma);
            this.SUBRULE4(this.coordinate, LABEL.height);
            this.CONSUME(T.RParen);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.From);
            this.SUBRULE(this.point, LABEL.from);
            this.CONSUME(T.To);
            this.SUBRULE2(this.point, LABEL.to);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Ultrasound);
            this.CONSUME(T.Regions);
          },
        },
      ],
      ERR_MSG: "a rectangle `(x, y, width, height)`, `from (x0, y0) to (x1, y1)` or `ultrasound regions`",
    });
  });

  point = this.RULE("point", () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.coordinate, LABEL.x);
    this.CONSUME(T.Comma);
    this.SUBRULE2(this.coordinate, LABEL.y);
    this.CONSUME(T.RParen);
  });

  // `Columns - 200`; `Columns -200` and `Columns-200` lex the number with its sign and mean the same.
  private readonly edgeDistance = {
    DEF: [
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.CONSUME(T.NumberLiteral, LABEL.offset);
        },
      },
      {
        GATE: () => this.LA(1).image.startsWith("-"),
        ALT: () => this.CONSUME2(T.NumberLiteral, LABEL.offset),
      },
    ],
    ERR_MSG: "`-` and a number after `Columns` or `Rows`",
  };

  /** A pixel position or size: a number, or `Columns`/`Rows` less a number. */
  coordinate = this.RULE("coordinate", () => {
    this.OR({
      DEF: [
        { ALT: () => this.CONSUME3(T.NumberLiteral, LABEL.value) },
        {
          ALT: () => {
            this.CONSUME(T.Name, LABEL.edge);
            this.OPTION(() => this.OR2(this.edgeDistance));
          },
        },
      ],
      ERR_MSG: "a number, or `Columns - N` / `Rows - N`",
    });
  });

  colour = this.RULE("colour", () => {
    this.CONSUME(T.LParen);
    this.CONSUME(T.NumberLiteral, LABEL.red);
    this.CONSUME(T.Comma);
    this.CONSUME2(T.NumberLiteral, LABEL.green);
    this.CONSUME2(T.Comma);
    this.CONSUME3(T.NumberLiteral, LABEL.blue);
    this.CONSUME(T.RParen);
  });

  frameRange = this.RULE("frameRange", () => {
    this.CONSUME(T.NumberLiteral, LABEL.from);
    this.OPTION(() => {
      this.CONSUME(T.DotDot);
      this.CONSUME2(T.NumberLiteral, LABEL.to);
    });
  });

  // ---------------------------------------------------------------- expressions
  // Precedence, loosest first: or, and, not, comparison, `+`, primary.

  private readonly moreOrOperands = () => {
    this.CONSUME(T.Or);
    this.SUBRULE2(this.andExpression, LABEL.operands);
  };

  expression = this.RULE("expression", () => {
    this.SUBRULE(this.andExpression, LABEL.operands);
    this.MANY(this.moreOrOperands);
  });

  private readonly moreAndOperands = () => {
    this.CONSUME(T.And);
    this.SUBRULE2(this.comparison, LABEL.operands);
  };

  andExpression = this.RULE("andExpression", () => {
    this.SUBRULE(this.comparison, LABEL.operands);
    this.MANY(this.moreAndOperands);
  });

  private readonly negation = () => this.CONSUME(T.Not);

  private readonly comparisonOperators = [
    { ALT: () => this.CONSUME(T.EqualEqual, LABEL.operator) },
    { ALT: () => this.CONSUME(T.NotEqual, LABEL.operator) },
    { ALT: () => this.CONSUME(T.LessEqual, LABEL.operator) },
    { ALT: () => this.CONSUME(T.GreaterEqual, LABEL.operator) },
    { ALT: () => this.CONSUME(T.Less, LABEL.operator) },
    { ALT: () => this.CONSUME(T.Greater, LABEL.operator) },
    { ALT: () => this.CONSUME(T.In, LABEL.operator) },
    { ALT: () => this.CONSUME(T.Contains, LABEL.operator) },
    { ALT: () => this.CONSUME(T.Tilde, LABEL.operator) },
    { ALT: () => this.CONSUME(T.NotTilde, LABEL.operator) },
    {
      // A common slip; accepted here so the condition still parses, and reported.
      ALT: () => {
        const equals = this.CONSUME(T.Equals, LABEL.operator);
        this.ACTION(() => this.findings.push({ kind: "assignment-in-condition", token: equals }));
      },
    },
  ];

  private readonly comparedWith = () => {
    this.OR(this.comparisonOperators);
    this.SUBRULE2(this.sum, LABEL.right);
  };

  // `not` binds looser than a comparison (`not A == B` is `not (A == B)`) and
  // tighter than `and`; a run of `not`s is a repetition rather than a recursion
  // so no input can nest it beyond the stack.
  comparison = this.RULE("comparison", () => {
    this.MANY(this.negation);
    this.SUBRULE(this.sum, LABEL.left);
    this.OPTION(this.comparedWith);
  });

  private readonly moreSumOperands = () => {
    this.CONSUME(T.Plus);
    this.SUBRULE2(this.primary, LABEL.operands);
  };

  sum = this.RULE("sum", () => {
    this.SUBRULE(this.primary, LABEL.operands);
    this.MANY(this.moreSumOperands);
  });

  private readonly primaryAlternatives = {
    DEF: [
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.RegexLiteral) },
      { ALT: () => this.CONSUME(T.Tag) },
      { ALT: () => this.CONSUME(T.PrivateTag) },
      { ALT: () => this.SUBRULE(this.call) },
      { ALT: () => this.CONSUME(T.Name) },
      // `root.PatientID`: an attribute of the top-level dataset (resolved by the checker)
      { ALT: () => this.CONSUME(T.QualifiedName) },
      { ALT: () => this.SUBRULE(this.parenthesized) },
      { ALT: () => this.SUBRULE(this.list) },
    ],
    ERR_MSG: EXPECTED_VALUE,
  };

  primary = this.RULE("primary", () => this.OR(this.primaryAlternatives));

  // `empty` is both an action word and the function `empty(Attribute)`.
  private readonly callees = [
    { ALT: () => this.CONSUME(T.Name, LABEL.callee) },
    { ALT: () => this.CONSUME(T.Empty, LABEL.callee) },
  ];

  private readonly moreArguments = () => {
    this.CONSUME(T.Comma);
    this.SUBRULE2(this.argument, LABEL.arguments);
  };

  private readonly argumentList = () => {
    this.SUBRULE(this.argument, LABEL.arguments);
    this.MANY(this.moreArguments);
  };

  call = this.RULE("call", () => {
    this.OR(this.callees);
    this.CONSUME(T.LParen);
    this.OPTION(this.argumentList);
    this.CONSUME(T.RParen);
  });

  private readonly rangeEnd = () => {
    this.CONSUME(T.DotDot);
    this.SUBRULE2(this.expression, LABEL.rangeTo);
  };

  argument = this.RULE("argument", () => {
    this.SUBRULE(this.expression, LABEL.value);
    this.OPTION(this.rangeEnd);
  });

  parenthesized = this.RULE("parenthesized", () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression, LABEL.inner);
    this.CONSUME(T.RParen);
  });

  private readonly moreListItems = () => {
    this.CONSUME(T.Comma);
    this.SUBRULE2(this.expression, LABEL.items);
  };

  private readonly listItems = () => {
    this.SUBRULE(this.expression, LABEL.items);
    this.MANY(this.moreListItems);
  };

  list = this.RULE("list", () => {
    this.CONSUME(T.LBracket);
    this.OPTION(this.listItems);
    this.CONSUME(T.RBracket);
  });

  // ---------------------------------------------------------------- recovery between statements

  /** The tokens that can start the given rule's single alternation, from the grammar itself. */
  private firstTokensOf(ruleName: string): TokenType[] {
    const rule = this.getGAstProductions()[ruleName];
    if (rule === undefined) throw new Error(`the grammar has no rule \`${ruleName}\``);
    const paths = getLookaheadPaths({ occurrence: 0, rule, prodType: "Alternation", maxLookahead: 1 });
    const first = new Set<TokenType>();
    for (const alternative of paths) for (const path of alternative) if (path[0]) first.add(path[0]);
    return [...first];
  }

  private startsStatement(token: IToken, context: StatementContext): boolean {
    const starts = context === "file" ? this.itemStarts : this.statementStarts;
    return starts.some((type) => tokenMatcher(token, type));
  }

  /**
   * Skips to where the next statement can begin: a token that starts one and
   * is the first on its line, the `}` closing the option being parsed, or the
   * end of the file. A `{ ... }` block met on the way is skipped whole.
   */
  private resynchronise(context: StatementContext): void {
    let depth = 0;
    for (;;) {
      const next = this.LA(1);
      if (tokenMatcher(next, EOF)) return;
      if (depth === 0) {
        if (context === "option" && tokenMatcher(next, T.RBrace)) return;
        if (this.startsStatement(next, context) && startsLaterLine(next, this.LA(0))) return;
      }
      if (tokenMatcher(next, T.LBrace)) depth++;
      else if (tokenMatcher(next, T.RBrace) && depth > 0) depth--;
      this.SKIP_TOKEN();
    }
  }

  /**
   * GATE of the statement loops. Tokens that cannot start a statement would
   * end the loop and leave the rest of the file unparsed; they are recorded
   * and skipped here instead. Returns true so the loop's own lookahead decides.
   */
  private skipUnexpectedTokens(context: StatementContext): boolean {
    const next = this.LA(1);
    if (tokenMatcher(next, EOF) || this.startsStatement(next, context)) return true;
    if (context === "option" && tokenMatcher(next, T.RBrace)) return true;
    this.findings.push({ kind: "unexpected-token", token: next, context });
    this.SKIP_TOKEN();
    this.resynchronise(context);
    return true;
  }

  /**
   * Parses one statement; if it cannot be repaired, abandons it (Chevrotain
   * has recorded the error) and resumes at the next statement.
   */
  private parseStatementOrResync(context: StatementContext, parseStatement: () => CstNode): void {
    const first = this.LA(1);
    try {
      parseStatement();
    } catch (error) {
      if (!(error instanceof Error) || !isRecognitionException(error)) throw error;
      // A statement that failed on its first token consumed nothing: skip that token so the loop moves on.
      if (this.LA(1) === first) this.SKIP_TOKEN();
      this.resynchronise(context);
    }
  }

  // ---------------------------------------------------------------- recovery inside statements
  // The two `canRecoverWith...` methods replace Chevrotain 11 methods that its
  // type declarations do not list; test/syntax/errors.test.ts ("recovery")
  // fails if an upgrade stops them from being called.

  /** Never invent a token that carries a value: a name, a number, a string. */
  protected override canTokenTypeBeInsertedInRecovery(tokType: TokenType): boolean {
    return !VALUE_TOKENS.has(tokType);
  }

  /**
   * Replaces Chevrotain's rule for single-token insertion. Deletion is
   * preferred when it fits (`A, B C -> X` drops `C` rather than inventing
   * `->` before it), and only a closing bracket may be inserted before a token
   * on a later line: anything else would glue the next statement to this one.
   */
  canRecoverWithSingleTokenInsertion(expectedTokType: TokenType, follows: TokenType[]): boolean {
    if (!this.canTokenTypeBeInsertedInRecovery(expectedTokType)) return false;
    const next = this.LA(1);
    if (!follows.some((type) => tokenMatcher(next, type))) return false;
    if (this.canRecoverWithSingleTokenDeletion(expectedTokType)) return false;
    return CLOSING_TOKENS.has(expectedTokType) || !startsLaterLine(next, this.LA(0));
  }

  /** Replaces Chevrotain's rule for single-token deletion: never delete the first token of a line. */
  canRecoverWithSingleTokenDeletion(expectedTokType: TokenType): boolean {
    if (!this.canTokenTypeBeDeletedInRecovery(expectedTokType)) return false;
    if (!tokenMatcher(this.LA(2), expectedTokType)) return false;
    return !startsLaterLine(this.LA(1), this.LA(0));
  }
}

let parser: DeidParser | undefined;

/**
 * The one parser instance, built on first use: Chevrotain parsers are
 * expensive to build (the grammar is recorded and analysed) and cheap to
 * reuse, and commands that never parse should not pay for building one.
 */
export function deidParser(): DeidParser {
  parser ??= new DeidParser();
  return parser;
}

export type { DeidParser };
