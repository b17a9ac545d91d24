// Where a runtime's processes run in the image, and the argv each one gets there. On the VM a
// unit's WorkingDirectory (not in the inventory) decides what `manage.py` or
// `paperless.asgi:application` means; in the image the WORKDIR must be the repository folder
// where those names exist (paperless-ngx: src/), so it is found by looking for them.
import path from "node:path";
import { APP_DIR, inImagePath } from "./app-root.js";
import { anchorsOf, bestFolder } from "./anchors.js";
import type { ImageInput, RuntimeImage } from "./image-types.js";
import { processArgv } from "./process-argv.js";
import { carriesCredential } from "./command-credentials.js";

export interface PlacedProcesses {
  image: RuntimeImage;
  /** WORKDIR relative to the repository root ("" = the root). */
  workdirRel: string;
  cmd?: string[];
}

export function planProcesses(input: ImageInput, candidates: string[]): PlacedProcesses {
  const { repo, root, processes } = input;
  const ctx = { mounts: input.mounts, repoHas: (f: string) => repo.exists(f) };
  const raw = processes.map((s) => ({ s, r: processArgv(s.command, { root, workdir: APP_DIR, ...ctx }) }));
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
  const inImage = (r: ReturnType<typeof processArgv>) =>
    r.ok ? { ...r, argv: throughLinks(repo, workdirRel, r.argv) } : r;
  for (const s of processes)
    argv[s.name] = inImage(
      processArgv(s.command, { root, workdir, ...ctx, ...(s.role === "web" ? { port: "8080" } : {}) }),
    );
  const first = processes[0];
  const cmdArgv = first
    ? inImage(
        processArgv(first.command, { root, workdir, ...ctx, ...(first.role === "web" ? { port: "${PORT}" } : {}) }),
      )
    : undefined;
  // A credential's place is never baked into an image (command-credentials.ts: the deploy carries it).
  const cmd = cmdArgv?.ok && !carriesCredential(cmdArgv.argv) ? cmdArgv.argv : undefined;
  return {
    workdirRel,
    cmd,
    image: { runtime: input.runtime, dockerfile: input.dockerfile, workdir, argv, ...(cmd ? { cmd } : {}) },
  };
}

/**
 * An argv's files as the repository holds them, links followed: a folder copied off a VM keeps the
 * VM's absolute links (ghost-cli's `current`), which lead nowhere in the image, so `current/index.js`
 * is run as the release's own path (versions/5.96.1/index.js).
 */
export function throughLinks(repo: ImageInput["repo"], workdirRel: string, argv: string[]): string[] {
  return argv.map((word) => {
    if (!word.includes("/") || word.startsWith("-") || word.startsWith("/")) return word;
    const rel = path.posix.join(workdirRel, word);
    const real = repo.canonical(rel);
    return real && real !== rel ? path.posix.relative(workdirRel || ".", real) : word;
  });
}
