/**
 * `deno task demo`: the main job, as far as it works today. `mirrord exec` does not exist yet,
 * so this runs the most end-to-end path that does: the real `mirrord verify-config` command
 * (as a separate process, exactly as an IDE calls it) over mirrord's own test configs and the
 * examples of its configuration reference, and prints each verdict.
 *
 * @module
 */

const ROOT = new URL("../../", import.meta.url).pathname;
const SOURCES = [
  `${ROOT}tests/config_corpus/reference_examples`,
  `${ROOT}../shared/reference/configs`,
];

interface Verdict {
  type: "Success" | "Fail";
  config?: { path: unknown; namespace: string | null };
  warnings?: string[];
  errors?: string[];
}

async function verify(path: string): Promise<Verdict> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${ROOT}cli/main.ts`, "verify-config", "--ide", path],
    stdout: "piped",
    stderr: "inherit",
    env: { TARGET: "deployment/demo-api" },
  }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

function describeTarget(path: unknown): string {
  if (path === null) return "target chosen at run time";
  if (path === "targetless") return "targetless";
  return Object.entries(path as Record<string, string | null>)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
}

console.log(
  "mirrord-ts demo: `mirrord exec` is not implemented yet, so this demo runs the most\n" +
    "end-to-end path that works today — `mirrord verify-config --ide` on real configs.\n",
);

let failed = 0;
let count = 0;
for (const dir of SOURCES) {
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
    /\.(json|toml|ya?ml)$/.test(n)
  ).sort();
  for (const name of names) {
    const verdict = await verify(`${dir}/${name}`);
    count++;
    if (verdict.type === "Success") {
      const warnings = verdict.warnings?.length ? `, ${verdict.warnings.length} warning(s)` : "";
      console.log(`  ok    ${name}: ${describeTarget(verdict.config?.path)}${warnings}`);
    } else {
      failed++;
      console.log(`  FAIL  ${name}: ${verdict.errors?.join("; ")}`);
    }
  }
}
console.log(`\n${count - failed} of ${count} configs verified`);
Deno.exit(failed === 0 ? 0 : 1);
