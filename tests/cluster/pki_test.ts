import assert from "node:assert/strict";
import { certificateSpecs, extensionText } from "./pki.ts";

Deno.test("certificateSpecs() names the node IP and the kubernetes Service in the apiserver's certificate", () => {
  const apiserver = certificateSpecs("192.0.2.7").find((spec) => spec.name === "apiserver")!;
  assert.ok(apiserver.altNames!.includes("IP:192.0.2.7"));
  assert.ok(apiserver.altNames!.includes("IP:10.96.0.1"));
  assert.ok(apiserver.altNames!.includes("DNS:kubernetes.default.svc.cluster.local"));
});

Deno.test("certificateSpecs() gives the kubelet the identity the Node authorizer expects", () => {
  const kubelet = certificateSpecs("192.0.2.7").find((spec) => spec.name === "kubelet-client")!;
  assert.equal(kubelet.commonName, "system:node:mirrord-ts-node");
  assert.equal(kubelet.organization, "system:nodes");
});

Deno.test("extensionText() marks client and server usage and lists alt names", () => {
  const text = extensionText({
    name: "x",
    commonName: "x",
    ca: "ca",
    usage: "both",
    altNames: ["DNS:localhost", "IP:127.0.0.1"],
  });
  assert.match(text, /^extendedKeyUsage=serverAuth,clientAuth$/m);
  assert.match(text, /^subjectAltName=DNS:localhost,IP:127\.0\.0\.1$/m);
  assert.match(text, /^basicConstraints=critical,CA:FALSE$/m);
});
