import assert from "node:assert/strict";
import {
  checkRegex,
  compileRegex,
  RegexDialectError,
  UNSUPPORTED_CONSTRUCTS,
} from "./regex_dialect.ts";

const ACCEPTED = [
  "^/api/v1",
  "^User-Agent: (?!kube-probe)",
  "(?<=ab)c",
  "(?<!x)y",
  "foo(?=bar)",
  "[a-z0-9_-]+\\.json$",
  "[^\\s\\d]",
  "\\bword\\B",
  "a*?b+?c??d{2}e{2,}f{2,3}?",
  "(a|b)(?:c|d)\\1",
  "\\x41\\u0042",
  "\\.\\*\\?\\(\\)\\[\\]\\{\\}",
  "^baggage: .*mirrord-session=abc.*$",
];

for (const pattern of ACCEPTED) {
  Deno.test(`checkRegex() accepts ${JSON.stringify(pattern)}`, () => {
    const check = checkRegex(pattern);
    assert.ok(check.ok, check.ok ? "" : check.problem);
  });
}

const REJECTED: [string, RegExp][] = [
  ["a++", /possessive quantifier/],
  ["a*+", /possessive quantifier/],
  ["a{2}+", /possessive quantifier/],
  ["(?>ab)", /atomic group/],
  ["\\Aabc", /\\A anchor/],
  ["abc\\z", /\\z anchor/],
  ["abc\\Z", /\\Z anchor/],
  ["\\h+", /\\h class/],
  ["ab\\Kc", /\\K match reset/],
  ["[[:alpha:]]", /POSIX class/],
  ["(?x) a b", /inline flag/],
  ["(?s).", /inline flag/],
  ["(?m)^a", /inline flag/],
  ["(?U)a+", /inline flag/],
  ["a(?i)b", /inline flag/],
  ["(?i:a)", /inline flag/],
  ["\\p{L}", /Unicode class/],
  ["\\P{L}", /Unicode class/],
  ["(?<=a+)b", /variable-length lookbehind/],
  ["[a-z&&[^aeiou]]", /class set operation/],
  ["[a[b]]", /nested class/],
  ["[]a]", /first character of a class/],
  ["[\\b]", /\\b inside a class/],
  ["\\x{41}", /\\x\{…\}/],
  ["\\0", /\\0/],
  ["(?P=name)", /named backreference/],
  ["\\k<n>", /named backreference/],
  ["(?#comment)", /comment/],
  ["a{,3}", /\{,n\}/],
  ["a{", /unescaped \{/],
  ["(unclosed", /does not compile/],
];

for (const [pattern, problem] of REJECTED) {
  Deno.test(`checkRegex() rejects ${JSON.stringify(pattern)} and names the construct`, () => {
    const check = checkRegex(pattern);
    assert.equal(check.ok, false);
    if (!check.ok) assert.match(check.problem, problem);
  });
}

Deno.test("checkRegex() translates (?P<name> and a leading (?i) to JS", () => {
  assert.deepEqual(checkRegex("(?i)^/v(?P<major>\\d)"), {
    ok: true,
    source: "^/v(?<major>\\d)",
    flags: "i",
  });
});

Deno.test("compileRegex() returns a working RegExp with lookarounds", () => {
  const re = compileRegex("^User-Agent: (?!kube-probe)", "i");
  assert.ok(re.test("user-agent: curl/8"));
  assert.ok(!re.test("User-Agent: kube-probe/1.29"));
  assert.equal(compileRegex("(?P<v>v\\d)").exec("api/v2")?.groups?.v, "v2");
});

Deno.test("compileRegex() throws RegexDialectError naming the construct", () => {
  assert.throws(
    () => compileRegex("a++"),
    (e) => e instanceof RegexDialectError && /possessive/.test(e.message),
  );
});

Deno.test("UNSUPPORTED_CONSTRUCTS lists what the checker rejects", () => {
  const text = UNSUPPORTED_CONSTRUCTS.map((c) => c.construct).join("\n");
  for (const word of ["possessive", "atomic", "\\A", "\\h", "\\K", "POSIX", "(?x)", "\\p{"]) {
    assert.ok(text.includes(word), word);
  }
});
