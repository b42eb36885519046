/**
 * `mirrord exec` end to end, environment and files: real programs under the layer see the pod's
 * variables and files, through our intproxy and agent.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createPod, type PodOptions } from "../harness/pod.ts";
import { execTest, mirrordExec, PYTHON } from "./run_exec.ts";

const POD: PodOptions = {
  env: {
    APP_MODE: "production",
    SECRET_TOKEN: "s3cr3t",
    DB_URL: "postgres://db:5432",
    DROP_ME: "x",
    PATH: "/usr/bin:/bin",
  },
  files: {
    "app/config.json": '{"remote": true}\n',
    "app/data/a.txt": "alpha\n",
    "app/data/b.txt": "beta\n",
    "app/secret.txt": "hidden\n",
  },
};

execTest("mirrord exec gives the app the pod's env with exclude, override and unset", async () => {
  await using pod = await createPod(POD);
  const run = await mirrordExec(pod, [PYTHON, "-c", PY_ENV], {
    config: {
      feature: {
        env: { exclude: ["SECRET_TOKEN"], override: { EXTRA: "added" }, unset: ["DROP_ME"] },
      },
    },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), {
    APP_MODE: "production",
    SECRET_TOKEN: null,
    DB_URL: "postgres://db:5432",
    DROP_ME: null,
    EXTRA: "added",
  });
});

const PY_ENV = "import json, os; print(json.dumps({k: os.environ.get(k) for k in " +
  "['APP_MODE', 'SECRET_TOKEN', 'DB_URL', 'DROP_ME', 'EXTRA']}))";

execTest("mirrord exec fetches only the included variables", async () => {
  await using pod = await createPod(POD);
  const run = await mirrordExec(pod, [PYTHON, "-c", PY_ENV], {
    config: { feature: { env: { include: ["APP_MODE", "DB_*"] } } },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), {
    APP_MODE: "production",
    SECRET_TOKEN: null,
    DB_URL: "postgres://db:5432",
    DROP_ME: null,
    EXTRA: null,
  });
});

execTest("cat and python3 read files only the pod has", async () => {
  await using pod = await createPod(POD);
  const cat = await mirrordExec(pod, ["cat", "/srv/app/config.json"]);
  assert.equal(cat.code, 0, cat.stderr);
  assert.equal(cat.stdout, '{"remote": true}\n');
  const py = await mirrordExec(pod, [
    PYTHON,
    "-c",
    "print(open('/srv/app/data/a.txt').read() + open('/srv/app/data/b.txt').read(), end='')",
  ]);
  assert.equal(py.code, 0, py.stderr);
  assert.equal(py.stdout, "alpha\nbeta\n");
});

execTest("ls lists a directory only the pod has", async () => {
  await using pod = await createPod(POD);
  const run = await mirrordExec(pod, ["ls", "/srv/app/data"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "a.txt\nb.txt\n");
});

execTest("in write mode the app's writes land in the pod", async () => {
  await using pod = await createPod(POD);
  const run = await mirrordExec(pod, ["sh", "-c", "echo written-remotely > /srv/app/out.txt"], {
    config: { feature: { fs: { mode: "write" } } },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(await pod.exec("cat", ["/srv/app/out.txt"]), "written-remotely\n");
  await assert.rejects(Deno.stat("/srv/app/out.txt"), Deno.errors.NotFound);
});

execTest("local paths stay local and not_found paths give ENOENT", async () => {
  await using pod = await createPod(POD);
  const dir = await Deno.makeTempDir({ prefix: "mirrord_local_" });
  try {
    await Deno.writeTextFile(`${dir}/local.txt`, "on the laptop\n");
    const run = await mirrordExec(pod, [
      PYTHON,
      "-c",
      [
        "import errno",
        `print(open('${dir}/local.txt').read(), end='')`,
        "try:\n  open('/srv/app/secret.txt')\nexcept OSError as e:\n  print(errno.errorcode[e.errno])",
      ].join("\n"),
    ], { config: { feature: { fs: { not_found: ["^/srv/app/secret"] } } } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "on the laptop\nENOENT\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

execTest("the intproxy logs each layer session with its process", async () => {
  await using pod = await createPod(POD);
  const run = await mirrordExec(pod, ["cat", "/srv/app/config.json"]);
  assert.equal(run.code, 0, run.stderr);
  const connected = run.log.filter((r) => r.message === "layer connected");
  assert.ok(
    connected.some((r) => r.name === "cat" && r.loaded === true),
    JSON.stringify(connected),
  );
});
