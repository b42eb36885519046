/**
 * `mirrord exec` end to end, process trees: children started by fork+exec load the layer and get
 * their own intproxy session; `skip_processes` children run plain.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createPod } from "../harness/pod.ts";
import { execTest, mirrordExec, PYTHON } from "./run_exec.ts";

const FILES = { files: { "app/config.json": "remote config\n" } };

execTest("a fork+exec child of the app is layered too", async () => {
  await using pod = await createPod(FILES);
  const run = await mirrordExec(pod, [
    PYTHON,
    "-c",
    "import subprocess; print(subprocess.run(['cat', '/srv/app/config.json'], " +
    "capture_output=True, text=True, check=True).stdout, end='')",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "remote config\n");
  const sessions = run.log.filter((r) => r.message === "layer connected");
  const python = sessions.find((r) => r.name?.toString().startsWith("python"));
  const cat = sessions.find((r) => r.name === "cat" && r.parent === null);
  assert.ok(python && cat, JSON.stringify(sessions));
  assert.equal(cat.parent_pid, python.pid, "cat is python's child, in a fresh session after exec");
});

execTest("a forked child without exec shares its parent's remote file", async () => {
  await using pod = await createPod(FILES);
  const run = await mirrordExec(pod, [
    PYTHON,
    "-c",
    [
      "import os",
      "f = open('/srv/app/config.json')",
      "pid = os.fork()",
      "if pid == 0:",
      "    print('child', f.read(), end='', flush=True)",
      "    os._exit(0)",
      "os.waitpid(pid, 0)",
      "f.seek(0)",
      "print('parent', f.read(), end='')",
    ].join("\n"),
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "child remote config\nparent remote config\n");
  assert.ok(
    run.log.some((r) => r.message === "layer connected" && r.parent !== null),
    "the forked child opened a session naming its parent",
  );
});

execTest("a child in skip_processes runs without the layer", async () => {
  await using pod = await createPod(FILES);
  const run = await mirrordExec(pod, ["sh", "-c", "cat /srv/app/config.json; echo exit=$?"], {
    config: { skip_processes: ["cat"] },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "exit=1\n");
  assert.match(run.stderr, /cat: \/srv\/app\/config\.json: No such file or directory/);
  const cat = run.log.find((r) => r.message === "layer connected" && r.name === "cat");
  assert.ok(cat, "the skipped process still registered");
  assert.equal(cat.loaded, false);
});
