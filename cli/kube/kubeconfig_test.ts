import assert from "node:assert/strict";
import {
  accessFromKubeconfig,
  expandPath,
  kubeconfigPaths,
  loadKubeAccess,
  mergeKubeconfigs,
} from "./kubeconfig.ts";
import { KubeconfigError } from "./kube_errors.ts";

const b64 = (text: string) => btoa(text);

function kubeconfig(options: {
  current?: string;
  context?: string;
  cluster?: string;
  user?: string;
  server?: string;
  namespace?: string;
  userBody?: string;
  clusterExtra?: string;
}): string {
  const context = options.context ?? "dev";
  const cluster = options.cluster ?? "c1";
  const user = options.user ?? "u1";
  return `apiVersion: v1
kind: Config
clusters:
- name: ${cluster}
  cluster:
    server: ${options.server ?? "https://10.0.0.1:6443"}
    certificate-authority-data: ${b64("CA PEM")}
${options.clusterExtra ?? ""}
users:
- name: ${user}
  user:
${options.userBody ?? `    token: tok-${user}`}
contexts:
- name: ${context}
  context:
    cluster: ${cluster}
    user: ${user}
${options.namespace ? `    namespace: ${options.namespace}` : ""}
current-context: ${options.current ?? context}
`;
}

Deno.test("expandPath() expands ~ and $VAR like a shell", () => {
  const env = { HOME: "/home/me", NAME: "dev" };
  assert.equal(expandPath("~/.kube/$NAME", env), "/home/me/.kube/dev");
  assert.equal(expandPath("${NAME}.yaml", env), "dev.yaml");
  assert.equal(expandPath("/a~b", env), "/a~b");
});

Deno.test("kubeconfigPaths() prefers the kubeconfig field, then KUBECONFIG, then ~/.kube/config", () => {
  const env = { HOME: "/h", KUBECONFIG: "/a:/b" };
  assert.deepEqual(kubeconfigPaths({ kubeconfig: "~/x:/y", env }), {
    paths: ["/h/x", "/y"],
    explicit: true,
  });
  assert.deepEqual(kubeconfigPaths({ env }), { paths: ["/a", "/b"], explicit: false });
  assert.deepEqual(kubeconfigPaths({ env: { HOME: "/h" } }), {
    paths: ["/h/.kube/config"],
    explicit: false,
  });
});

Deno.test("mergeKubeconfigs() keeps the first file's entries and current-context", () => {
  const merged = mergeKubeconfigs([
    { path: "/one/config", text: kubeconfig({ context: "a", user: "u1" }) },
    {
      path: "/two/config",
      text: kubeconfig({ context: "b", current: "b", user: "u1", server: "https://other:1" }),
    },
  ]);
  assert.equal(merged.currentContext, "a");
  assert.deepEqual([...merged.contexts.keys()], ["a", "b"]);
  // The first file's cluster c1 wins over the second's.
  assert.equal(merged.clusters.get("c1")?.server, "https://10.0.0.1:6443");
  const access = accessFromKubeconfig(merged, "b", null);
  assert.equal(access.server, "https://10.0.0.1:6443");
  assert.equal(access.token, "tok-u1");
});

Deno.test("accessFromKubeconfig() reads the context's namespace, CA and credentials", () => {
  const merged = mergeKubeconfigs([{
    path: "/k/config",
    text: kubeconfig({
      namespace: "team",
      userBody: `    client-certificate-data: ${b64("CERT")}\n    client-key-data: ${b64("KEY")}`,
      clusterExtra: "    tls-server-name: api.internal",
    }),
  }]);
  const access = accessFromKubeconfig(merged, null, null);
  assert.equal(access.contextName, "dev");
  assert.equal(access.namespace, "team");
  assert.equal(access.caPem, "CA PEM");
  assert.deepEqual(access.clientCert, { cert: "CERT", key: "KEY" });
  assert.equal(access.tlsServerName, "api.internal");
  assert.equal(access.insecure, false);
});

Deno.test("accessFromKubeconfig() lets accept_invalid_certificates override insecure-skip-tls-verify", () => {
  const text = kubeconfig({ clusterExtra: "    insecure-skip-tls-verify: true" });
  const merged = mergeKubeconfigs([{ path: "/k", text }]);
  assert.equal(accessFromKubeconfig(merged, null, null).insecure, true);
  assert.equal(accessFromKubeconfig(merged, null, false).insecure, false);
  const strict = mergeKubeconfigs([{ path: "/k", text: kubeconfig({}) }]);
  assert.equal(accessFromKubeconfig(strict, null, true).insecure, true);
});

Deno.test("accessFromKubeconfig() reads exec plugins and resolves file paths against the kubeconfig", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/ca.crt`, "FILE CA");
  const text = `clusters:
- name: c
  cluster: {server: "https://h:443", certificate-authority: ca.crt}
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./get-token
      args: [--cluster, c]
      env: [{name: REGION, value: eu}]
contexts:
- {name: x, context: {cluster: c, user: u}}
current-context: x
`;
  const access = accessFromKubeconfig(
    mergeKubeconfigs([{ path: `${dir}/config`, text }]),
    null,
    null,
  );
  assert.equal(access.caPem, "FILE CA");
  assert.equal(access.namespace, "default");
  assert.deepEqual(access.exec, {
    command: "./get-token",
    args: ["--cluster", "c"],
    env: { REGION: "eu" },
    apiVersion: "client.authentication.k8s.io/v1",
    installHint: null,
    baseDir: dir,
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("accessFromKubeconfig() names the missing context and lists the known ones", () => {
  const merged = mergeKubeconfigs([{ path: "/k/config", text: kubeconfig({ context: "dev" }) }]);
  assert.throws(
    () => accessFromKubeconfig(merged, "prod", null),
    (error: KubeconfigError) => {
      assert.match(error.message, /Cannot use kube context "prod": it is not in "\/k\/config"/);
      assert.match(error.hint!, /known contexts: dev/);
      return true;
    },
  );
});

Deno.test("accessFromKubeconfig() rejects a context whose user or cluster is missing", () => {
  const text = `clusters: []
users: []
contexts:
- {name: x, context: {cluster: gone, user: nobody}}
current-context: x
`;
  assert.throws(
    () => accessFromKubeconfig(mergeKubeconfigs([{ path: "/k", text }]), null, null),
    /its cluster "gone" is not in/,
  );
});

Deno.test("mergeKubeconfigs() reports YAML errors with the file name", () => {
  assert.throws(
    () => mergeKubeconfigs([{ path: "/k/bad", text: "clusters: [\n  - x: :\n" }]),
    (error: KubeconfigError) =>
      error instanceof KubeconfigError && /"\/k\/bad"/.test(error.message),
  );
  assert.throws(
    () => mergeKubeconfigs([{ path: "/k/list", text: "- a\n- b\n" }]),
    /it is not a YAML mapping/,
  );
});

Deno.test("loadKubeAccess() fails clearly without any kubeconfig", () => {
  assert.throws(
    () => loadKubeAccess({ env: { HOME: "/nonexistent-home" } }),
    (error: KubeconfigError) => {
      assert.match(error.message, /Cannot find a kubeconfig/);
      assert.match(error.hint!, /KUBECONFIG/);
      return true;
    },
  );
});

Deno.test("loadKubeAccess() skips missing KUBECONFIG entries but not a missing explicit file", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/config`, kubeconfig({}));
  const access = loadKubeAccess({ env: { KUBECONFIG: `${dir}/missing:${dir}/config` } });
  assert.equal(access.contextName, "dev");
  assert.throws(
    () => loadKubeAccess({ kubeconfig: `${dir}/missing`, env: {} }),
    /Cannot read kubeconfig ".*missing": no such file/,
  );
  await Deno.remove(dir, { recursive: true });
});
