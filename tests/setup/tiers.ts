/**
 * Runners for the test tiers: static checks (fmt, lint, type-check) and `deno test` tiers whose
 * JUnit report is read back so every tier is summed into one figure.
 *
 * @module
 */
import { isRoot } from "./privileges.ts";

/** Counts of one tier. */
export interface TierResult {
  passed: number;
  failed: number;
  skipped: number;
  /** names of what failed, so the end of a long log says which */
  failures: string[];
}

function emptyResult(): TierResult {
  return { passed: 0, failed: 0, skipped: 0, failures: [] };
}

const REPORT_DIR = ".cache/test-reports";

/** What a command run under a time limit ended with. */
export interface RunOutcome {
  code: number;
  /** the limit was reached and the command killed */
  timedOut: boolean;
}

/**
 * Runs a command with inherited output; past `limitMs` it gets SIGTERM, then SIGKILL 10 s later,
 * so one hung test cannot take the whole run (and its summary line) with it.
 */
export async function runWithLimit(cmd: string[], limitMs = Infinity): Promise<RunOutcome> {
  const child = new Deno.Command(cmd[0], { args: cmd.slice(1), stdin: "null" }).spawn();
  let timedOut = false;
  const timers: ReturnType<typeof setTimeout>[] = [];
  if (Number.isFinite(limitMs)) {
    timers.push(setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
      timers.push(setTimeout(() => child.kill("SIGKILL"), 10_000));
    }, limitMs));
  }
  try {
    return { code: (await child.status).code, timedOut };
  } finally {
    timers.forEach(clearTimeout);
  }
}

/**
 * Runs `deno fmt --check`, `deno lint` and `deno check`; each counts as one test.
 *
 * @returns one passed or failed count per check
 */
export async function runStaticChecks(): Promise<TierResult> {
  const result = emptyResult();
  const checks: [string, string[]][] = [
    ["format", [Deno.execPath(), "fmt", "--check"]],
    ["lint", [Deno.execPath(), "lint"]],
    ["type-check", [Deno.execPath(), "check", "."]],
  ];
  for (const [name, cmd] of checks) {
    console.log(`\n[static] ${name}: ${cmd.slice(1).join(" ")}`);
    if ((await runWithLimit(cmd)).code === 0) result.passed++;
    else {
      console.log(`[static] ${name} FAILED`);
      result.failed++;
      result.failures.push(name);
    }
  }
  return result;
}

/**
 * Counts top-level test cases of a Deno JUnit report (steps are part of their test).
 *
 * @param xml the report text
 * @returns the counts found in it
 */
export function countJunit(xml: string): TierResult {
  const result = emptyResult();
  const cases = xml.matchAll(
    /<testcase name="([^"]*)" classname="([^"]*)"[^>]*>([\s\S]*?)<\/testcase>/g,
  );
  for (const [, name, file, body] of cases) {
    if (name.includes(" &gt; ")) continue;
    if (body.includes("<failure")) {
      result.failed++;
      result.failures.push(`${unescapeXml(name)} (${unescapeXml(file)})`);
    } else if (body.includes("<skipped")) result.skipped++;
    else result.passed++;
  }
  return result;
}

function unescapeXml(text: string): string {
  return text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"')
    .replaceAll("&apos;", "'").replaceAll("&amp;", "&");
}

/** Options of a `deno test` tier. */
export interface DenoTestOptions {
  /** paths left out of the run */
  ignore?: string[];
  /** the tier needs root; it still runs (its tests skip themselves) but says so loudly */
  needsRoot?: boolean;
  /** run test files one after another (shared machine state such as the cluster) */
  serial?: boolean;
  /** the tier is stopped after this long and counts one failure (a test hangs) */
  limitMinutes: number;
}

/** The `exclude` list of deno.json: build outputs and caches that hold foreign test files. */
async function configExcludes(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile("deno.json"));
  return config.exclude ?? [];
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs one `deno test` tier and reads its JUnit report.
 *
 * @param tier name used for the report file and output
 * @param paths folders holding the tier's tests
 * @param options see {@link DenoTestOptions}
 * @returns the tier's counts; a run that produced no report counts as one failure
 */
export async function runDenoTests(
  tier: string,
  paths: string[],
  options: DenoTestOptions,
): Promise<TierResult> {
  const present = [];
  for (const path of paths) if (await exists(path)) present.push(path);
  if (present.length === 0) return emptyResult();
  if (options.needsRoot && !isRoot()) {
    console.log(
      `\n!!! [${tier}] NOT ROOT: tests that need network namespaces, iptables or the cluster ` +
        `are SKIPPED. Run as root to exercise them. !!!\n`,
    );
  }
  await Deno.mkdir(REPORT_DIR, { recursive: true });
  const report = `${REPORT_DIR}/${tier}.xml`;
  await Deno.remove(report).catch(() => {});
  const args = [Deno.execPath(), "test", "-A", "--permit-no-files", `--junit-path=${report}`];
  if (!options.serial) args.push("--parallel");
  if (options.ignore?.length) {
    // `--ignore` replaces deno.json's `exclude` instead of adding to it, so pass both.
    const ignore = [...await configExcludes(), ...options.ignore];
    args.push(`--ignore=${ignore.join(",")}`);
  }
  args.push(...present);
  console.log(`\n[${tier}] deno ${args.slice(1).join(" ")}`);
  const { code, timedOut } = await runWithLimit(args, options.limitMinutes * 60_000);
  if (timedOut) {
    const failure = `stopped after ${options.limitMinutes} min: a test hangs (see "has been ` +
      `running for over" above)`;
    console.log(`[${tier}] ${failure}`);
    return { ...emptyResult(), failed: 1, failures: [failure] };
  }
  let xml: string;
  try {
    xml = await Deno.readTextFile(report);
  } catch {
    console.log(`[${tier}] deno test exited with ${code} and wrote no report`);
    return { ...emptyResult(), failed: 1, failures: [`deno test exited with ${code}, no report`] };
  }
  const counts = countJunit(xml);
  if (code !== 0 && counts.failed === 0) {
    // e.g. an uncaught error or a leak reported after the last case
    counts.failed = 1;
    counts.failures.push(`deno test exited with ${code} although every case passed`);
  }
  return counts;
}
