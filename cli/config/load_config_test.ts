import assert from "node:assert/strict";
import { ConfigEnv } from "./config_env.ts";
import { ConfigError } from "./config_error.ts";
import { loadConfig } from "./load_config.ts";
import { loadConfigText } from "./_load_text.ts";

const FORMS: [string, string][] = [
  ["json", '{"feature": {"network": {"incoming": "steal"}}, "target": "pod/a"}'],
  ["toml", 'target = "pod/a"\n[feature.network]\nincoming = "steal"\n'],
  ["yaml", "target: pod/a\nfeature:\n  network:\n    incoming: steal\n"],
  ["yml", "target: pod/a\nfeature:\n  network:\n    incoming: steal\n"],
];

for (const [extension, text] of FORMS) {
  Deno.test(`loadConfig() reads .${extension} files`, async () => {
    const { config } = await loadConfigText(text, { extension });
    assert.equal(config.feature.network.incoming.mode, "steal");
    assert.deepEqual(config.target.path, { pod: "a", container: null });
  });
}

Deno.test("loadConfig() reads a file without extension as JSON", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/mirrordconfig`;
  await Deno.writeTextFile(path, '{"agent": {"ttl": 7}}');
  const { config } = await loadConfig({
    env: new ConfigEnv({ MIRRORD_CONFIG_FILE: path }),
    emptyTargetIsFinal: true,
  });
  assert.equal(config.agent.ttl, 7);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadConfig() reads stdin for the path -", async () => {
  const { config, path } = await loadConfig({
    env: new ConfigEnv({ MIRRORD_CONFIG_FILE: "-" }),
    emptyTargetIsFinal: true,
    readStdin: () => Promise.resolve('{"feature": {"fs": "write"}}'),
  });
  assert.equal(path, "-");
  assert.equal(config.feature.fs.mode, "write");
});

Deno.test("loadConfig() without a file gives mirrord's defaults", async () => {
  const { config, path, warnings } = await loadConfig({
    env: new ConfigEnv(),
    emptyTargetIsFinal: true,
  });
  assert.equal(path, null);
  assert.equal(config.feature.fs.mode, "read");
  assert.deepEqual(config.target, {});
  assert.deepEqual(warnings, []);
});

Deno.test("loadConfig() templates see key, git_branch and get_env like mirrord's Tera", async () => {
  const text = JSON.stringify({
    key: "{{ git_branch }}-k",
    feature: {
      network: {
        incoming: {
          mode: "steal",
          http_filter: {
            header_filter: "x-session: {{ key }} {{ get_env(name='USER', default='nobody') }}",
          },
        },
      },
    },
    target: "pod/a",
  });
  const { config } = await loadConfigText(text, { gitBranch: "feat-1", env: { USER: "bear" } });
  assert.deepEqual(config.key, { Provided: "feat-1-k" });
  assert.equal(
    config.feature.network.incoming.http_filter.header_filter,
    "x-session: feat-1-k bear",
  );
});

Deno.test("loadConfig() leaves git_branch undefined outside git, so default(value=) applies", async () => {
  const text = '{"key": "{{ git_branch | default(value=\'shared\') }}"}';
  assert.deepEqual((await loadConfigText(text)).config.key, { Provided: "shared" });
  await assert.rejects(
    () => loadConfigText('{"agent": {"namespace": "{{ git_branch }}"}}'),
    (e) => e instanceof ConfigError && /git_branch/.test(e.message) && /undefined/.test(e.message),
  );
});

Deno.test("loadConfig() renders {{ key }} with the generated key when none is given", async () => {
  const { config } = await loadConfigText('{"agent": {"namespace": "ns-{{ key }}"}}');
  assert.ok("Generated" in config.key);
  assert.equal(
    config.agent.namespace,
    `ns-${"Generated" in config.key ? config.key.Generated : ""}`,
  );
});

Deno.test("loadConfig() takes MIRRORD_BRANCH_NAME as the git branch", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/c.json`, '{"agent": {"namespace": "{{ git_branch }}"}}');
  const { config } = await loadConfig({
    env: new ConfigEnv({ MIRRORD_CONFIG_FILE: `${dir}/c.json` }, { MIRRORD_BRANCH_NAME: "br" }),
    emptyTargetIsFinal: true,
  });
  assert.equal(config.agent.namespace, "br");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadConfig() reflects outgoing local host names into the DNS filter", async () => {
  const text = JSON.stringify({
    feature: {
      network: { outgoing: { filter: { local: ["db.local:5432", "10.0.0.0/8", "cache"] } } },
    },
  });
  const { config } = await loadConfigText(text);
  assert.deepEqual(config.feature.network.dns.filter, { local: ["db.local:5432", "cache"] });
});

Deno.test("loadConfig() appends reflected names to a same-side DNS filter and warns across sides", async () => {
  const same = await loadConfigText(JSON.stringify({
    feature: {
      network: { outgoing: { filter: { remote: ["api"] } }, dns: { filter: { remote: ["x"] } } },
    },
  }));
  assert.deepEqual(same.config.feature.network.dns.filter, { remote: ["x", "api"] });
  const opposite = await loadConfigText(JSON.stringify({
    feature: {
      network: { outgoing: { filter: { local: ["api"] } }, dns: { filter: { remote: ["api"] } } },
    },
  }));
  assert.deepEqual(opposite.config.feature.network.dns.filter, { remote: ["api"] });
  assert.match(opposite.warnings.join("\n"), /routes \["api"\] via the local side/);
});

Deno.test("loadConfig() applies magic.aws unless disabled", async () => {
  const on = await loadConfigText("{}", { env: { HOME: "/home/u" } });
  assert.deepEqual(on.config.feature.env.unset, ["AWS_PROFILE"]);
  assert.equal(on.config.feature.fs.mapping?.["^/home/u/\\.aws(/.*)?"], "/tmp/.aws$1");
  const off = await loadConfigText('{"feature": {"magic": {"aws": false}}}', {
    env: { HOME: "/h" },
  });
  assert.equal(off.config.feature.env.unset, null);
  assert.equal(off.config.feature.fs.mapping, null);
});

Deno.test("loadConfig() warns without failing for mirrord's warning cases", async () => {
  const { warnings } = await loadConfigText(JSON.stringify({
    target: "pod/a",
    agent: { ephemeral: true, namespace: "n" },
    feature: {
      fs: { readonly_file_buffer: 2 * 1024 * 1024 },
      network: {
        incoming: { port_mapping: [[80, 80]] },
        dns: { enabled: false, filter: { local: [] } },
      },
    },
  }));
  const text = warnings.join("\n");
  assert.match(text, /ephemeral container/);
  assert.match(text, /maps port 80 to itself/);
  assert.match(text, /above 1 MiB/);
  assert.match(text, /dns.filter is ignored/);
});
