import assert from "node:assert/strict";
import { completionScript, completionSpec, SHELLS } from "./completion_scripts.ts";
import { buildProgram } from "./program.ts";

Deno.test("completionSpec() lists visible commands only", () => {
  const names = completionSpec(buildProgram()).commands.map((c) => c.name);
  assert.ok(names.includes("completions"));
  assert.ok(!names.includes("verify-config"), "hidden commands must not be completed");
});

for (const shell of SHELLS) {
  Deno.test(`completionScript() for ${shell} names the visible commands, not the hidden ones`, () => {
    const script = completionScript(shell, buildProgram());
    assert.match(script, /completions/);
    assert.match(script, /powershell/);
    assert.doesNotMatch(script, /verify-config/);
  });
}

async function bashComplete(words: string[]): Promise<string[]> {
  const script = completionScript("bash", buildProgram());
  const line = words.map((w) => `'${w}'`).join(" ");
  const program = `${script}\nCOMP_WORDS=(${line}); COMP_CWORD=${
    words.length - 1
  }; _mirrord; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = await new Deno.Command("bash", { args: ["-c", program], stdout: "piped" }).output();
  assert.ok(out.success, "bash failed");
  return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean);
}

Deno.test("completionScript() for bash completes subcommands and their arguments in bash", async () => {
  assert.deepEqual(await bashComplete(["mirrord", "comp"]), ["completions"]);
  assert.deepEqual(await bashComplete(["mirrord", "completions", "p"]), ["powershell"]);
  assert.deepEqual(await bashComplete(["mirrord", "--verb"]), ["--verbose"]);
});
