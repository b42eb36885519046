import assert from "node:assert/strict";
import { parse } from "yaml";
import { kubeconfigText } from "./kubeconfig.ts";

Deno.test("kubeconfigText() embeds the CA and client certificate in a kubeconfig YAML parsers read", () => {
  const text = kubeconfigText(
    { user: "u", certificate: "admin", context: "ctx", namespace: "ns" },
    { ca: "CA PEM", cert: "CERT PEM", key: "KEY PEM" },
  );
  const config = parse(text);
  assert.equal(config["current-context"], "ctx");
  assert.equal(config.contexts[0].context.namespace, "ns");
  assert.equal(config.clusters[0].cluster.server, "https://127.0.0.1:6443");
  assert.equal(atob(config.clusters[0].cluster["certificate-authority-data"]), "CA PEM");
  assert.equal(atob(config.users[0].user["client-certificate-data"]), "CERT PEM");
  assert.equal(atob(config.users[0].user["client-key-data"]), "KEY PEM");
});
