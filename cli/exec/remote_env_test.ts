import assert from "node:assert/strict";
import { defaultResolvedConfig } from "../../schema/mod.ts";
import { applyEnvConfig, envRequest } from "./remote_env.ts";

const env = () => defaultResolvedConfig().feature.env;

Deno.test("envRequest() turns exclude into a deny-list, include into an allow-list, neither into *", () => {
  assert.deepEqual(envRequest({ ...env(), exclude: ["A", "B*"] }), {
    env_vars_filter: ["A", "B*"],
    env_vars_select: [],
  });
  assert.deepEqual(envRequest({ ...env(), include: ["APP"] }), {
    env_vars_filter: [],
    env_vars_select: ["APP"],
  });
  assert.deepEqual(envRequest(env()), { env_vars_filter: [], env_vars_select: ["*"] });
  assert.throws(() => envRequest({ ...env(), include: ["A"], exclude: ["B"] }), /both set/);
});

Deno.test("applyEnvConfig() lays env file, then mapping, then overrides over the fetched vars", () => {
  const result = applyEnvConfig(
    { A: "remote", B_TIMEOUT: "1", C: "remote" },
    {
      ...env(),
      env_file: "x.env",
      mapping: { "^B_.*": "mapped", "^FROM_.*": "mapped-too" },
      override: { C: "override" },
    },
    () => "A=file\nFROM_FILE=f\n",
  );
  assert.deepEqual(result, {
    A: "file",
    B_TIMEOUT: "mapped",
    C: "override",
    FROM_FILE: "mapped-too",
  });
});

Deno.test("applyEnvConfig() explains an unreadable env file", () => {
  assert.throws(
    () =>
      applyEnvConfig({}, { ...env(), env_file: "missing.env" }, () => {
        throw new Deno.errors.NotFound("No such file or directory");
      }),
    /Cannot read env file "missing\.env": No such file or directory/,
  );
});
