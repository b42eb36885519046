/**
 * The one test entry point (`deno task test`): sets up what the tests need, runs every tier and
 * ends with one line `N passed, N failed, N skipped` summing all of them.
 *
 * Usage: `deno task test [tier…]` where tier ∈ static, unit, integration, e2e (default: all).
 * Each `deno test` tier has a time limit (2–3× its usual length, 80 min in all, within CI's 90)
 * so a hung test costs one failure, not the run.
 *
 * @module
 */
import { prepareMachine } from "./setup/prepare_machine.ts";
import { runDenoTests, runStaticChecks, type TierResult } from "./setup/tiers.ts";
import { isRoot } from "./setup/privileges.ts";
import { clusterDownIfUp } from "./cluster/down.ts";

const ALL_TIERS = ["static", "unit", "integration", "e2e"] as const;
type Tier = typeof ALL_TIERS[number];

function parseTiers(args: string[]): Tier[] {
  if (args.length === 0) return [...ALL_TIERS];
  for (const arg of args) {
    if (!(ALL_TIERS as readonly string[]).includes(arg)) {
      console.error(`Cannot run tier "${arg}": known tiers are ${ALL_TIERS.join(", ")}`);
      Deno.exit(2);
    }
  }
  return args as Tier[];
}

async function runTier(tier: Tier): Promise<TierResult> {
  switch (tier) {
    case "static":
      return await runStaticChecks();
    case "unit":
      return await runDenoTests("unit", ["."], {
        ignore: ["tests/integration", "tests/e2e", "tests/cluster", "tests/bench"],
        // includes a from-scratch Rust build of the WASM codec (about 6 min on 2 cores)
        limitMinutes: 25,
      });
    case "integration":
      return await runDenoTests("integration", ["tests/integration"], {
        needsRoot: true,
        limitMinutes: 15,
      });
    case "e2e":
      try {
        // A cold cluster build (downloads, images) is part of this tier.
        return await runDenoTests("e2e", ["tests/cluster", "tests/e2e"], {
          needsRoot: true,
          serial: true,
          limitMinutes: 40,
        });
      } finally {
        // The tests bring the local cluster up; whatever happened, it must not outlive the tier.
        if (isRoot()) await clusterDownIfUp();
      }
  }
}

const tiers = parseTiers(Deno.args);
await prepareMachine({ root: isRoot() });

const total = { passed: 0, failed: 0, skipped: 0 };
const failures: string[] = [];
for (const tier of tiers) {
  const result = await runTier(tier);
  total.passed += result.passed;
  total.failed += result.failed;
  total.skipped += result.skipped;
  failures.push(...result.failures.map((name) => `[${tier}] ${name}`));
  console.log(
    `[${tier}] ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`,
  );
}
for (const failure of failures) console.log(`FAILED ${failure}`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
Deno.exit(total.failed === 0 ? 0 : 1);
