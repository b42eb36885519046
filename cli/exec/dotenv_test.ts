import assert from "node:assert/strict";
import { DotenvError, parseDotenv } from "./dotenv.ts";

Deno.test("parseDotenv() reads bare, quoted, exported and commented assignments", () => {
  const text = [
    "# a comment",
    "export A=1 # trailing",
    "B = two words ",
    "C='lit $X \\n'",
    'D="line\\nnext \\"q\\""',
    "",
    'E="multi',
    'line"',
    "A=later",
  ].join("\n");
  assert.deepEqual(parseDotenv(text), {
    A: "later",
    B: "two words",
    C: "lit $X \\n",
    D: 'line\nnext "q"',
    E: "multi\nline",
  });
});

Deno.test("parseDotenv() names the line of a malformed assignment", () => {
  assert.throws(
    () => parseDotenv("A=1\nnot an assignment"),
    (e) => e instanceof DotenvError && e.line === 2,
  );
  assert.throws(() => parseDotenv('A="open'), /unterminated " quote/);
});
