/**
 * The layer's regex engine (src/regex.c, src/regex_compile.c) on the dialect the config
 * verifier accepts, with Rust regex semantics where they differ from PCRE.
 */
import assert from "node:assert/strict";
import { driverLines } from "./fixture/unit_driver.ts";

interface Outcome {
  status?: "match" | "nomatch" | "limit";
  groups?: Array<string | null>;
  error?: string;
}

async function search(
  cases: Array<[string, string, string]>,
  env?: Record<string, string>,
): Promise<Outcome[]> {
  const input = cases.map(([pattern, flags, subject]) => `${pattern}\0${flags}\0${subject}\0`).join(
    "",
  );
  return await driverLines<Outcome>(["regex"], input, env);
}

/* [pattern, flags, subject, expected groups (null = no match)] */
const matches: Array<[string, string, string, Array<string | null> | null]> = [
  ["abc", "", "xxabcxx", ["abc"]],
  ["abc", "", "ABC", null],
  ["abc", "i", "xABCx", ["ABC"]],
  ["(?i)abc", "", "ABC", ["ABC"]],
  ["a.c", "", "a\nc", null],
  ["a.c", "", "a-c", ["a-c"]],
  ["^/etc(/|$)", "", "/etc", ["/etc", ""]],
  ["^/etc(/|$)", "", "/etc/hosts", ["/etc/", "/"]],
  ["^/etc(/|$)", "", "/etcetera", null],
  ["^/etc(/|$)", "", "/x/etc/", null],
  ["hosts$", "", "/etc/hosts\n", null],
  ["\\.so$", "", "/lib/libc.so", [".so"]],
  ["[a-c]+", "", "xxbacax", ["baca"]],
  ["[^/]+$", "", "/a/b/file.txt", ["file.txt"]],
  ["[\\d.]+", "", "v1.2.3-x", ["1.2.3"]],
  ["[]a]+", "", "x]a]x", ["]a]"]],
  ["[a-]+", "", "x-a-x", ["-a-"]],
  ["[\\-z]+", "", "a-z-b", ["-z-"]],
  ["\\d+", "", "abc123def", ["123"]],
  ["\\D+", "", "123abc456", ["abc"]],
  ["\\w+", "", "  foo_bar9!", ["foo_bar9"]],
  ["\\W+", "", "foo, bar", [", "]],
  ["\\s+", "", "a \t b", [" \t "]],
  ["\\S+", "", "  xy  ", ["xy"]],
  ["\\bfoo\\b", "", "a foo b", ["foo"]],
  ["\\bfoo\\b", "", "afoob", null],
  ["\\Boo\\B", "", "foob", ["oo"]],
  ["(a|ab)(c|bcd)(d*)", "", "abcd", ["abcd", "a", "bcd", ""]],
  ["a*?b", "", "aaab", ["aaab"]],
  ["a+?", "", "aaa", ["a"]],
  ["a??b", "", "ab", ["ab"]],
  ["a{3}", "", "aaaa", ["aaa"]],
  ["a{2,}", "", "aaaaa", ["aaaaa"]],
  ["a{2,3}", "", "aaaaa", ["aaa"]],
  ["a{2,3}?", "", "aaaaa", ["aa"]],
  ["(ab){2}", "", "abababx", ["abab", "ab"]],
  ["(?:ab)+c", "", "xababc", ["ababc"]],
  ["(?P<dir>[^/]+)/(?P<file>[^/]+)$", "", "/a/b/c.txt", ["b/c.txt", "b", "c.txt"]],
  ["(?<year>\\d{4})-(?<month>\\d\\d)", "", "on 2024-05-01", ["2024-05", "2024", "05"]],
  ["foo(?=bar)", "", "foobaz foobar", ["foo"]],
  ["foo(?!bar)", "", "foobar foobaz", ["foo"]],
  ["(?<=\\$)\\d+", "", "cost $42", ["42"]],
  ["(?<!\\$)\\b\\d+", "", "$42 and 17", ["17"]],
  ["(\\w+) \\1", "", "hello hello world", ["hello hello", "hello"]],
  ["(a)|b", "", "b", ["b", null]],
  ["(?i)(A)\\1", "", "aA", ["aA", "a"]],
  ["x*", "", "", [""]],
  ["^$", "", "", [""]],
  ["\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\", "", "a.*+?()[]{}|^$\\b", [".*+?()[]{}|^$\\"]],
  ["\\x41\\x{42}", "", "xABx", ["AB"]],
  ["\\u00e9\\u0041", "", "xéAx", ["éA"]],
  ["\\t", "", "a\tb", ["\t"]],
  ["é.", "", "aéb", ["éb"]],
  [".{2}$", "", "añ", ["añ"]],
  ["[à-ü]+", "", "xçéx", ["çé"]],
  ["(ab|a)*c", "", "abac", ["abac", "a"]],
  ["(a|b)*?c", "", "ababc", ["ababc", "b"]],
  ["^/home/[^/]+/\\.", "i", "/HOME/dev/.bashrc", ["/HOME/dev/."]],
  [".+\\.asdf/.+", "", "/u/.asdf/shims", ["/u/.asdf/shims"]],
  [".*(^|/)jvm\\.cfg$", "", "jvm.cfg", ["jvm.cfg", ""]],
];

Deno.test("regex_search() matches the accepted dialect with Rust regex semantics", async () => {
  const results = await search(matches.map(([p, f, s]) => [p, f, s]));
  matches.forEach(([pattern, flags, subject, expected], i) => {
    const r = results[i];
    const label = `/${pattern}/${flags} on ${JSON.stringify(subject)}: ${JSON.stringify(r)}`;
    if (expected === null) assert.equal(r.status, "nomatch", label);
    else assert.deepEqual(r.groups, expected, label);
  });
});

Deno.test("regex_compile() rejects what the dialect does not have", async () => {
  const bad = [
    "(",
    ")",
    "[a",
    "a{2",
    "a{3,2}",
    "*a",
    "a**",
    "\\q",
    "(?x)a",
    "a(?i)b",
    "(?P<1>x)",
    "(?P<n>a)(?P<n>b)",
    "\\2(a)",
    "[[:alpha:]]",
    "\\",
  ];
  const results = await search(bad.map((p) => [p, "", "x"]));
  bad.forEach((p, i) =>
    assert.ok(results[i].error, `${p} should not compile: ${JSON.stringify(results[i])}`)
  );
});

Deno.test("regex_search() gives up on catastrophic backtracking (step budget, fail closed)", async () => {
  const [r] = await search([["(a+)+$", "", `${"a".repeat(40)}b`]]);
  assert.equal(r.status, "limit");
  const [ok] = await search([["(a+)+$", "", "a".repeat(40)]]);
  assert.equal(ok.status, "match");
});

Deno.test("regex_search() matches long paths on a 64 KiB thread stack, failing closed past its budget", async () => {
  const long = "/x".repeat(2048);
  const deep = `${"/seg".repeat(50)}/x`;
  const cases: Array<[string, string, string]> = [
    [".*x$", "", long], /* single-character repetition: iterative, any length */
    [
      "^(?:/[a-z]+)+/x$",
      "",
      deep,
    ], /* group repetition: recursion per iteration; 50 path components fit */
    ["^(/x)*$", "", long], /* 2048 group iterations: over the stack budget */
  ];
  for (const env of [undefined, { REGEX_THREAD_STACK: String(64 * 1024 + 16384) }]) {
    const results = await search(cases, env);
    assert.deepEqual(results.map((r) => r.status), ["match", "match", "limit"]);
  }
});

Deno.test("regex_replace() expands $1, ${1}, $name, ${name} and $$ like Rust's Regex::replace", async () => {
  const cases: Array<[string, string, string, string | null]> = [
    ["^/data/(.*)$", "/data/x/y", "/mnt/$1", "/mnt/x/y"],
    ["^/data/(?P<rest>.*)$", "/data/x", "/mnt/${rest}", "/mnt/x"],
    ["^/data/(?P<rest>.*)$", "/data/x", "/mnt/$rest", "/mnt/x"],
    ["(\\w+)@(\\w+)", "me@host", "${2}_$1", "host_me"],
    ["(\\w+)", "abc", "$1x", ""], /* "$1x" names group "1x": unknown, empty (Rust's rule) */
    ["(\\w+)", "abc", "${1}x", "abcx"],
    ["a", "cat", "$$", "c$t"],
    ["a", "cat", "$", "c$t"],
    ["a", "banana", "o", "bonana"], /* first match only */
    ["z", "abc", "y", null],
    ["(a)|(b)", "b", "[$1][$2]", "[][b]"],
  ];
  const input = cases.map(([p, s, r]) => `${p}\0${s}\0${r}\0`).join("");
  const results = await driverLines<{ result: string | null }>(["replace"], input);
  cases.forEach(([p, s, r, expected], i) =>
    assert.equal(results[i].result, expected, `${p} ${s} ${r}`)
  );
});
