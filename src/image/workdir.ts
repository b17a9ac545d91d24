// Where a runtime's processes run in the image, and the argv each one gets there. On the VM a
// unit's WorkingDirectory (not in the inventory) decides what `manage.py` or
// `paperless.asgi:application` means; in the image the WORKDIR must be the repository folder
// where those names exist (paperless-ngx: src/), so it is found by looking for them.
import path from "node:path";
import { APP_DIR, inImagePath } from "./app-root.js";
import { anchorsOf, bestFolder } from "./anchors.js";
import type { ImageInput, RuntimeImage } from "./image-types.js";
import { processArgv } from "./process-argv.js";

export interface PlacedProcesses {
  image: RuntimeImage;
  /** WORKDIR relative to the repository root ("" = the root). */
  workdirRel: string;
  cmd?: string[];
}

export function planProcesses(input: ImageInput, candidates: string[]): PlacedProcesses {
  const { repo, root, processes } = input;
  const raw = processes.map((s) => ({ s, r: processArgv(s.command, { root, workdir: APP_DIR }) }));
  const dirs = new Set(["", ...candidates]);
  for (const { r } of raw) {
    if (!r.ok) continue;
    // `cd DIR && …` on the VM names the working folder outright.
    if (r.cd && root) {
      const inImage = inImagePath(r.cd, root);
      if (inImage.startsWith(`${APP_DIR}/`)) dirs.add(inImage.slice(APP_DIR.length + 1));
    }
    for (const a of anchorsOf(r.argv))
      if (a.kind === "file" && !a.path.startsWith("/")) for (const d of repo.foldersWith(a.path)) dirs.add(d);
  }
  const argvs = raw.flatMap(({ r }) => (r.ok ? [r.argv] : []));
  const workdirRel = bestFolder(repo, [...dirs], argvs);
  const workdir = workdirRel ? path.posix.join(APP_DIR, workdirRel) : APP_DIR;
  const argv: RuntimeImage["argv"] = {};
  for (const s of processes)
    argv[s.name] = processArgv(s.command, { root, workdir, ...(s.role === "web" ? { port: "8080" } : {}) });
  const first = processes[0];
  const cmdArgv = first
    ? processArgv(first.command, { root, workdir, ...(first.role === "web" ? { port: "${PORT}" } : {}) })
    : undefined;
  const cmd = cmdArgv?.ok ? cmdArgv.argv : undefined;
  return {
    workdirRel,
    cmd,
    image: { runtime: input.runtime, dockerfile: input.dockerfile, workdir, argv, ...(cmd ? { cmd } : {}) },
  };
}
