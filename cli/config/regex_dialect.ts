/**
 * The regex dialect mirrord-ts accepts in the config (HTTP filters, file patterns, env and fs
 * mappings, unix stream patterns). mirrord evaluates these with fancy-regex; our agent uses JS
 * `RegExp` and our C layer its own small engine, so only the common subset is accepted:
 *
 * - literals and escapes of punctuation, `.`, classes `[...]` with ranges, negation and escapes
 * - `\d \D \w \W \s \S \b \B`, `\n \r \t \f \v`, `\xHH`, `\uHHHH`, anchors `^ $`
 * - groups `(…)`, `(?:…)`, named `(?P<name>…)` / `(?<name>…)`, alternation `|`
 * - quantifiers `* + ? {n} {n,} {n,m}` and their lazy `?` forms
 * - `(?i)` at the very start (case-insensitive)
 * - lookahead `(?=…)` `(?!…)`, fixed-length lookbehind `(?<=…)` `(?<!…)`
 * - backreferences `\1` … `\9`
 *
 * Everything in {@link UNSUPPORTED_CONSTRUCTS} is rejected with its name, because the engines
 * disagree on it or ours lack it. Known, accepted difference: fancy-regex's `\w`, `\d`, `\b`
 * and `\s` are Unicode-aware, JS's are ASCII (`\s` aside), so they differ only on non-ASCII text.
 *
 * @module
 */

/** A construct outside the dialect, as reported to users. */
export interface UnsupportedConstruct {
  /** how users write it */
  construct: string;
  /** why it is rejected */
  why: string;
}

/** Every construct the dialect rejects (documentation and the source of error texts). */
export const UNSUPPORTED_CONSTRUCTS: readonly UnsupportedConstruct[] = [
  { construct: "possessive quantifier (*+ ++ ?+ {n}+)", why: "JS has none" },
  { construct: "atomic group (?>…)", why: "JS has none" },
  { construct: "\\A \\z \\Z \\G anchors", why: "JS reads them as plain letters" },
  {
    construct: "\\h \\H \\K \\R \\X \\N and other letter escapes",
    why: "JS reads them as plain letters",
  },
  { construct: "\\p{…} \\P{…} Unicode classes", why: "our C layer engine lacks them" },
  { construct: "\\Q…\\E quoting", why: "JS has none" },
  { construct: "\\0, \\a, \\e, \\cX and octal escapes", why: "the engines read them differently" },
  { construct: "\\x{…} and \\U escapes", why: "JS only knows \\xHH and \\uHHHH" },
  { construct: "\\k<name> and (?P=name) named backreferences", why: "use a numbered \\1" },
  { construct: "POSIX classes [[:alpha:]]", why: "JS has none" },
  { construct: "nested classes [a[b]] and class set operations && -- ~~", why: "JS has none" },
  { construct: "] as the first character of a class", why: "JS reads [] as an empty class" },
  { construct: "\\b inside a class", why: "backspace in JS, an error in fancy-regex" },
  {
    construct: "inline flags other than a leading (?i): (?x) (?s) (?m) (?U) (?-i) (?i:…)",
    why: "not portable",
  },
  { construct: "comments (?#…) and conditionals (?(1)…)", why: "JS has none" },
  { construct: "variable-length lookbehind (?<=a+)", why: "fancy-regex rejects it" },
  { construct: "{,n} quantifier and an unescaped {", why: "JS reads them as literal text" },
];

/** The outcome of {@link checkRegex}. */
export type RegexCheck =
  | { ok: true; source: string; flags: string }
  | { ok: false; problem: string };

const ALLOWED_LETTER_ESCAPES = new Set("dDwWsSbBnrtfv");
const ALLOWED_CLASS_ESCAPES = new Set("dDwWsSnrtfv");
const NAMED_ESCAPES: Record<string, string> = {
  A: "the \\A anchor",
  z: "the \\z anchor",
  Z: "the \\Z anchor",
  G: "the \\G anchor",
  h: "the \\h class",
  H: "the \\H class",
  K: "the \\K match reset",
  p: "the \\p{…} Unicode class",
  P: "the \\P{…} Unicode class",
  Q: "the \\Q…\\E quoting",
  E: "the \\Q…\\E quoting",
  k: "the \\k<name> named backreference",
  U: "the \\U escape",
  a: "the \\a escape",
  e: "the \\e escape",
  c: "the \\cX escape",
};

class Scanner {
  out = "";
  i: number;
  /** each open group: true when it is a lookbehind */
  groups: boolean[] = [];

  constructor(readonly p: string, start: number) {
    this.i = start;
  }

  get inLookbehind(): boolean {
    return this.groups.includes(true);
  }
}

/** Thrown by {@link compileRegex}; its message names the construct. */
export class RegexDialectError extends Error {
  constructor(readonly pattern: string, readonly problem: string) {
    super(`regex "${pattern}" ${problem}`);
    this.name = "RegexDialectError";
  }
}

function fail(construct: string, at: number): never {
  throw new RegexDialectError(
    "",
    `uses ${construct} at offset ${at}, which mirrord-ts does not accept`,
  );
}

function hexEscape(s: Scanner, letter: "x" | "u"): void {
  const digits = letter === "x" ? 2 : 4;
  const hex = s.p.slice(s.i + 2, s.i + 2 + digits);
  if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) {
    fail(letter === "x" ? "\\x{…} escape (write \\xHH)" : "\\u escape without 4 hex digits", s.i);
  }
  s.out += s.p.slice(s.i, s.i + 2 + digits);
  s.i += 2 + digits;
}

function escape(s: Scanner, inClass: boolean): void {
  const next = s.p[s.i + 1];
  if (next === undefined) fail("a trailing backslash", s.i);
  if (next === "x" || next === "u") return hexEscape(s, next);
  if (/[A-Za-z]/.test(next)) {
    if (inClass && next === "b") fail("\\b inside a class", s.i);
    const allowed = inClass ? ALLOWED_CLASS_ESCAPES : ALLOWED_LETTER_ESCAPES;
    if (!allowed.has(next)) fail(NAMED_ESCAPES[next] ?? `the \\${next} escape`, s.i);
  } else if (/[0-9]/.test(next)) {
    if (next === "0") fail("\\0 (octal or NUL) escape", s.i);
    if (inClass) fail("a backreference inside a class", s.i);
  }
  s.out += s.p.slice(s.i, s.i + 2);
  s.i += 2;
}

function characterClass(s: Scanner): void {
  const start = s.i;
  s.out += "[";
  s.i++;
  if (s.p[s.i] === "^") {
    s.out += "^";
    s.i++;
  }
  if (s.p[s.i] === "]") fail("] as the first character of a class (escape it as \\])", s.i);
  while (s.i < s.p.length) {
    const c = s.p[s.i];
    if (c === "\\") {
      escape(s, true);
      continue;
    }
    if (c === "[") {
      if (/^\[:\^?[a-z]+:\]/.test(s.p.slice(s.i))) fail("a POSIX class [[:name:]]", s.i);
      fail("a nested class (escape [ as \\[)", s.i);
    }
    for (const op of ["&&", "--", "~~"]) {
      if (s.p.startsWith(op, s.i)) fail(`the class set operation ${op}`, s.i);
    }
    s.out += c;
    s.i++;
    if (c === "]") return;
  }
  fail("an unterminated class", start);
}

const GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_]*>/;

function groupOpen(s: Scanner): void {
  const rest = s.p.slice(s.i);
  const simple = ["(?:", "(?=", "(?!", "(?<=", "(?<!"].find((prefix) => rest.startsWith(prefix));
  if (simple) {
    s.groups.push(simple.startsWith("(?<") || s.inLookbehind);
    s.out += simple;
    s.i += simple.length;
    return;
  }
  if (!rest.startsWith("(?")) {
    s.groups.push(s.inLookbehind);
    s.out += "(";
    s.i++;
    return;
  }
  const named = rest.startsWith("(?P<") ? 4 : rest.startsWith("(?<") ? 3 : 0;
  if (named) {
    const name = GROUP_NAME.exec(rest.slice(named));
    if (!name) fail("a group name that is not [A-Za-z_][A-Za-z0-9_]*", s.i);
    s.groups.push(s.inLookbehind);
    s.out += `(?<${name[0]}`;
    s.i += named + name[0].length;
    return;
  }
  if (rest.startsWith("(?>")) fail("an atomic group (?>…)", s.i);
  if (rest.startsWith("(?#")) fail("a comment (?#…)", s.i);
  if (rest.startsWith("(?P=")) fail("a (?P=name) named backreference", s.i);
  if (rest.startsWith("(?(")) fail("a conditional (?(…)…)", s.i);
  const flags = /^\(\?[A-Za-z-]*[:)]/.exec(rest);
  if (flags) fail(`the inline flag group ${flags[0]} (only a leading (?i) is accepted)`, s.i);
  fail("an unknown group syntax (?…", s.i);
}

function quantifier(s: Scanner): void {
  const c = s.p[s.i];
  let length = 1;
  let fixed = false;
  if (c === "{") {
    const braces = /^\{(\d*)(,(\d*))?\}/.exec(s.p.slice(s.i));
    if (!braces) fail("an unescaped { (write \\{)", s.i);
    if (braces[1] === "") fail("a {,n} quantifier", s.i);
    length = braces[0].length;
    fixed = braces[2] === undefined || braces[3] === braces[1];
  }
  if (s.inLookbehind && !fixed) fail("a variable-length lookbehind", s.i);
  const after = s.p[s.i + length];
  if (after === "+") fail("a possessive quantifier", s.i);
  const lazy = after === "?" ? 1 : 0;
  s.out += s.p.slice(s.i, s.i + length + lazy);
  s.i += length + lazy;
}

/**
 * Checks a pattern against the dialect and translates it to JS syntax.
 *
 * @param pattern the regex as written in the config
 * @returns the JS source and flags, or the problem (naming the construct) in words
 * @example
 * ```ts
 * checkRegex("(?i)^/api/(?P<v>v\\d)"); // { ok: true, source: "^/api/(?<v>v\\d)", flags: "i" }
 * checkRegex("a++").ok; // false: possessive quantifier
 * ```
 */
export function checkRegex(pattern: string): RegexCheck {
  const caseInsensitive = pattern.startsWith("(?i)");
  const s = new Scanner(pattern, caseInsensitive ? 4 : 0);
  try {
    while (s.i < pattern.length) {
      const c = pattern[s.i];
      if (c === "\\") escape(s, false);
      else if (c === "[") characterClass(s);
      else if (c === "(") groupOpen(s);
      else if (c === ")") {
        s.groups.pop();
        s.out += c;
        s.i++;
      } else if ("*+?{".includes(c)) quantifier(s);
      else {
        s.out += c;
        s.i++;
      }
    }
  } catch (error) {
    if (error instanceof RegexDialectError) return { ok: false, problem: error.problem };
    throw error;
  }
  const flags = caseInsensitive ? "i" : "";
  try {
    new RegExp(s.out, flags);
  } catch (error) {
    const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /, "");
    return { ok: false, problem: `does not compile: ${reason}` };
  }
  return { ok: true, source: s.out, flags };
}

/**
 * Compiles a config regex into a JS `RegExp` after checking the dialect.
 *
 * @param pattern the regex as written in the config
 * @param extraFlags flags to add, e.g. `"i"` for case-insensitive matching
 * @returns the compiled regex
 * @throws {RegexDialectError} naming the unsupported construct or the compile error
 */
export function compileRegex(pattern: string, extraFlags = ""): RegExp {
  const check = checkRegex(pattern);
  if (!check.ok) throw new RegexDialectError(pattern, check.problem);
  const flags = [...new Set(check.flags + extraFlags)].join("");
  return new RegExp(check.source, flags);
}
