import assert from "node:assert/strict";
import { countJunit, runWithLimit } from "./tiers.ts";
import { parsePackageList } from "./prepare_machine.ts";

Deno.test("countJunit() counts top-level cases by outcome, names the failed ones and ignores steps", () => {
  const xml = `<testsuites><testsuite>
    <testcase name="ok" classname="a"></testcase>
    <testcase name="skip" classname="a"><skipped/></testcase>
    <testcase name="bad &apos;one&apos;" classname="./b_test.ts"><failure message="x">x</failure></testcase>
    <testcase name="bad &gt; step" classname="a"><failure message="x">x</failure></testcase>
  </testsuite></testsuites>`;
  assert.deepEqual(countJunit(xml), {
    passed: 1,
    failed: 1,
    skipped: 1,
    failures: ["bad 'one' (./b_test.ts)"],
  });
});

Deno.test("parsePackageList() drops comments and blank lines", () => {
  assert.deepEqual(parsePackageList("# head\niproute2\n\ncurl # why\n"), ["iproute2", "curl"]);
});

Deno.test("runWithLimit() stops a command that outlives its limit and says so", async () => {
  assert.deepEqual(await runWithLimit(["sleep", "30"], 200), { code: 143, timedOut: true });
  assert.deepEqual(await runWithLimit(["sh", "-c", "exit 4"], 10_000), {
    code: 4,
    timedOut: false,
  });
});
