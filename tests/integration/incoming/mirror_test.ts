/**
 * `mirrord exec` with incoming mirror, end to end: python3 and node HTTP servers under the layer
 * receive copies of the requests sent to the pod, while the pod's own server still answers.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createPod } from "../harness/pod.ts";
import { execTest } from "../exec/run_exec.ts";
import { appCommand, curl, incoming, podServer, type Runtime, startApp } from "./local_apps.ts";

for (const runtime of ["python3", "node"] as Runtime[]) {
  execTest(`mirror: a ${runtime} server under the layer gets copies; the pod answers`, async () => {
    await using pod = await createPod();
    await podServer(pod, 8080);
    await using app = await startApp(pod, appCommand(runtime, 8080), {
      config: incoming({ mode: "mirror" }),
    });
    const peer = new RegExp(`peer=${pod.hostIp.replaceAll(".", "\\.")}:\\d+$`);
    for (const path of ["/one", "/two?x=1"]) {
      assert.equal(await curl(`http://${pod.podIp}:8080${path}`), `pod GET ${path} `);
      const line = await app.line();
      assert.ok(line.startsWith(`request GET ${path} `), line);
      assert.match(line, peer, "the app sees the remote client");
    }
    assert.equal(await curl("-d", "body", `http://${pod.podIp}:8080/post`), "pod POST /post body");
    assert.ok((await app.line()).startsWith("request POST /post "));
  });
}

execTest("mirror: an HTTP filter copies matching requests only", async () => {
  await using pod = await createPod();
  await podServer(pod, 8080);
  await using app = await startApp(pod, appCommand("node", 8080), {
    config: incoming({ mode: "mirror", http_filter: { path_filter: "^/copy" } }),
  });
  assert.equal(await curl(`http://${pod.podIp}:8080/skip`), "pod GET /skip ");
  assert.equal(await curl(`http://${pod.podIp}:8080/copy-me`), "pod GET /copy-me ");
  const line = await app.line();
  assert.ok(
    line.startsWith("request GET /copy-me "),
    `the first copy is the matching one: ${line}`,
  );
});
