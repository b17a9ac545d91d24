// A job or always-on process whose program is a tool the VM installed outside the app's folder
// (wp-cli at /usr/local/bin/wp, a vendor's binary under /opt): no image of ours holds it. The image
// plan knows the programs of the runtimes it builds (interpreters, and the dependencies the
// repository declares, which process-argv.ts puts on PATH); a process of no known runtime that runs
// in the app's image by its command alone (a crontab line) keeps the VM's path as its program, and
// on Cloud Run it would fail at start: no such file. Such a target is held (command-hold.ts) until
// the image has the program: the team's Dockerfile names it, or the inventory gives the process its
// runtime (then that image's rules decide). The distribution's own folders (/usr/bin, /bin, /sbin)
// are left alone: their programs come with packages the base image may well have.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { APP_DIR } from "../../../image/app-root.js";
import { imageFor } from "../../../image/plan.js";
import type { Service } from "../../../inventory/schema.js";
import type { Draft } from "./draft.js";

const DISTRIBUTION = /^\/(?:usr\/)?s?bin\//;

/** Whether the repository's own Dockerfile (the one the deploy builds) names the program: then it installs it. */
function dockerfileNames(d: Draft, program: string): boolean {
  const file = d.repoDir && path.join(d.repoDir, d.images.mainDockerfile);
  if (!file || !existsSync(file)) return false;
  const text = readFileSync(file, "utf8");
  const base = path.posix.basename(program).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text.includes(program) || new RegExp(`(^|[\\s/])${base}(\\s|$)`, "m").test(text);
}

/** The program of the process's argv when the app's image cannot have it, else undefined. */
export function foreignProgram(d: Draft, s: Service, argv: readonly string[] | undefined): string | undefined {
  const program = argv?.[0];
  if (!program?.startsWith("/") || DISTRIBUTION.test(program) || program.startsWith(`${APP_DIR}/`)) return undefined;
  // A runtime the image plan builds: its rules put the process's tools on PATH.
  if (imageFor(d.images, s)) return undefined;
  const root = d.images.root;
  if (root && (program === root || program.startsWith(`${root}/`))) return undefined;
  return dockerfileNames(d, program) ? undefined : program;
}
