/**
 * The config corpus: valid configs (ours, every shorthand and nested form, plus mirrord's real
 * test configs) and invalid ones, validated against our schema and mirrord's with the same
 * verdict required, and run through the whole loader.
 */
import assert from "node:assert/strict";
import { buildConfigSchema } from "../../schema/mod.ts";
import { ConfigError } from "../../cli/config/config_error.ts";
import { compileConfigSchema } from "../../cli/config/schema_validator.ts";
import { loadConfigText } from "../../cli/config/_load_text.ts";
import { INVALID_CASES } from "./invalid_cases.ts";

const REFERENCE_SCHEMA = "../shared/reference/mirrord-config.schema.json";
const REAL_CONFIGS = "../shared/reference/configs";
const HERE = new URL(".", import.meta.url).pathname;

const ours = compileConfigSchema(buildConfigSchema());
const theirs = compileConfigSchema(JSON.parse(await Deno.readTextFile(REFERENCE_SCHEMA)));

async function jsonFiles(dir: string): Promise<[string, string][]> {
  const files: [string, string][] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.endsWith(".json")) {
      files.push([entry.name, await Deno.readTextFile(`${dir}/${entry.name}`)]);
    }
  }
  return files.sort(([a], [b]) => a.localeCompare(b));
}

const valid = await jsonFiles(`${HERE}valid`);
const real = await jsonFiles(REAL_CONFIGS);

Deno.test("corpus has at least 30 valid configs of our own", () => {
  assert.ok(valid.length >= 30, `only ${valid.length}`);
});

for (
  const [name, text] of [...valid, ...real.map(([n, t]): [string, string] => [`real ${n}`, t])]
) {
  Deno.test(`corpus ${name}: both schemas accept it and the loader resolves it`, async () => {
    const value = JSON.parse(text);
    assert.equal(ours(value), true, JSON.stringify(ours.errors));
    assert.equal(theirs(value), true, JSON.stringify(theirs.errors));
    await loadConfigText(text, { ide: true });
  });
}

for (const [name, text] of await jsonFiles(`${HERE}extensions`)) {
  Deno.test(`corpus extension ${name}: accepted by us, rejected by mirrord's schema (documented divergence)`, async () => {
    const value = JSON.parse(text);
    assert.equal(ours(value), true);
    assert.equal(theirs(value), false);
    await loadConfigText(text);
  });
}

Deno.test("corpus has at least 40 invalid configs", () => {
  assert.ok(INVALID_CASES.length >= 40, `only ${INVALID_CASES.length}`);
});

for (const c of INVALID_CASES) {
  Deno.test(`corpus invalid "${c.name}": rejected with its message`, async () => {
    const extension = c.extension ?? "json";
    if (extension === "json") {
      let value: unknown;
      try {
        value = JSON.parse(c.text);
      } catch {
        value = undefined;
      }
      if (value !== undefined && !c.text.includes("{{")) {
        assert.equal(ours(value), !c.schema, "our schema's verdict");
        assert.equal(theirs(value), !c.schema, "mirrord's schema's verdict");
      }
    }
    const error = await loadConfigText(c.text, { extension }).then(
      () => assert.fail("the config was accepted"),
      (e) => e,
    );
    assert.ok(error instanceof ConfigError, String(error));
    const text = error.problemLines().join("\n");
    let from = 0;
    for (const part of c.expected) {
      const at = text.indexOf(part, from);
      assert.ok(at >= 0, `expected ${JSON.stringify(part)} in:\n${text}`);
      from = at + part.length;
    }
  });
}
