/**
 * Spec-style CLI tests: each folder here is one case with `args` (one argument per line), the
 * expected `exit_code`, `expected.out` / `expected.err` (`[WILDCARD]` matches anything) and
 * optionally `stdin`. The CLI runs with the case folder as its working directory.
 * `UPDATE_SPECS=1 deno test -A tests/cli_specs` rewrites the expectations (review the diff).
 */
import assert from "node:assert/strict";

const HERE = new URL(".", import.meta.url).pathname;
const ROOT = new URL("../../", import.meta.url).pathname;
const UPDATE = Deno.env.get("UPDATE_SPECS") === "1";

async function readOptional(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Whether `actual` matches `expected`, where `[WILDCARD]` stands for any text.
 *
 * @returns true on a match
 */
export function matchesWildcard(expected: string, actual: string): boolean {
  const pattern = expected.split("[WILDCARD]").map(escape).join("[\\s\\S]*");
  return new RegExp(`^${pattern}$`).test(actual);
}

/** The environment of the CLI under test: ours minus MIRRORD_* variables, fixed HOME. */
function specEnv(): Record<string, string> {
  const env = Object.fromEntries(
    Object.entries(Deno.env.toObject()).filter(([name]) => !name.startsWith("MIRRORD_")),
  );
  // Deno's cache must stay where it is when HOME changes.
  env.DENO_DIR ??= `${env.HOME ?? "/root"}/.cache/deno`;
  return { ...env, NO_COLOR: "1", HOME: "/home/spec", TMPDIR: "/tmp" };
}

const cases: string[] = [];
for await (const entry of Deno.readDir(HERE)) if (entry.isDirectory) cases.push(entry.name);
cases.sort();

for (const name of cases) {
  const dir = `${HERE}${name}`;
  Deno.test(`mirrord CLI spec "${name}"`, async () => {
    const args = (await Deno.readTextFile(`${dir}/args`)).split("\n").filter((l) => l !== "");
    const stdin = await readOptional(`${dir}/stdin`);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", `--config=${ROOT}deno.json`, `${ROOT}cli/main.ts`, ...args],
      cwd: dir,
      env: specEnv(),
      clearEnv: true,
      stdin: stdin === null ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    if (stdin !== null) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(stdin));
      await writer.close();
    }
    const out = await child.output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    if (UPDATE) {
      await Deno.writeTextFile(`${dir}/exit_code`, `${out.code}\n`);
      await Deno.writeTextFile(`${dir}/expected.out`, stdout);
      await Deno.writeTextFile(`${dir}/expected.err`, stderr);
      return;
    }
    const code = Number((await Deno.readTextFile(`${dir}/exit_code`)).trim());
    assert.equal(out.code, code, `exit code; stderr:\n${stderr}`);
    const expectedOut = await readOptional(`${dir}/expected.out`) ?? "";
    const expectedErr = await readOptional(`${dir}/expected.err`) ?? "";
    assert.ok(matchesWildcard(expectedOut, stdout), `stdout differs:\n${stdout}`);
    assert.ok(matchesWildcard(expectedErr, stderr), `stderr differs:\n${stderr}`);
  });
}
