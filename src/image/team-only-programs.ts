// A process whose program is a file only the team's own image holds: a compose service's
// `/entrypoint-uwsgi.sh`, which the repository's Dockerfile.django-debian copies from docker/ to `/`.
// An image built as ours are (the repository in /app) has no such file, so the process would not
// start in it; the honest plan writes no Dockerfile and says which of the team's builds has it.
import { readdirSync } from "node:fs";
import type { Service } from "../inventory/schema.js";
import { APP_DIR } from "./app-root.js";
import { copiedFiles, parseDockerfile } from "./dockerfile-parse.js";
import type { AppRepo } from "./repo.js";
import { shellTokens } from "./shell-words.js";

/** `Dockerfile`, `Dockerfile.prod`, `Dockerfile-web`, `web.Dockerfile` at the top of the repository. */
const DOCKERFILE = /^(Dockerfile([.-][\w.-]+)?|[\w.-]+\.Dockerfile)$/;

export interface TeamOnlyProgram {
  service: string;
  /** Where the process's command runs it from, in the team's image. */
  program: string;
  /** The repository file the team's Dockerfile copies there. */
  source: string;
  dockerfile: string;
}

/** The processes that run a program only a Dockerfile of the repository copies in (none when ours would have it). */
export function teamOnlyPrograms(processes: readonly Service[], repo: AppRepo): TeamOnlyProgram[] {
  if (!repo.present) return [];
  const runs = processes.flatMap((s) => {
    const first = s.command ? shellTokens(s.command)[0] : undefined;
    const program = typeof first === "string" ? first : undefined;
    // A path in /app is the repository's own (ours copies it there too); one under the VM's app folder is read elsewhere.
    return program?.startsWith("/") && !program.startsWith(`${APP_DIR}/`) && !repo.exists(program)
      ? [{ service: s.name, program }]
      : [];
  });
  if (!runs.length) return [];
  let names: string[];
  try {
    names = readdirSync(repo.dir)
      .filter((f) => DOCKERFILE.test(f))
      .sort();
  } catch {
    return [];
  }
  const copies = names.map((dockerfile) => ({
    dockerfile,
    copied: copiedFiles(parseDockerfile(repo.read(dockerfile) ?? "")),
  }));
  return runs.flatMap(({ service, program }) => {
    for (const { dockerfile, copied } of copies) {
      const source = copied.get(program);
      if (source && repo.exists(source)) return [{ service, program, source, dockerfile }];
    }
    return [];
  });
}

/** The notice for an image not written because its processes run files of the team's image. */
export function teamOnlyNotice(found: readonly TeamOnlyProgram[], dockerfile: string): string {
  const shown = found
    .slice(0, 4)
    .map((f) => `${f.service} runs \`${f.program}\` (\`${f.source}\` in \`${f.dockerfile}\`)`)
    .join(", ");
  const more = found.length > 4 ? ` and ${found.length - 4} more` : "";
  const theirs = [...new Set(found.map((f) => `\`${f.dockerfile}\``))].join(", ");
  return `No ${dockerfile} is written: ${shown}${more}, a file only the repository's own image has, so an image that copies the repository to ${APP_DIR} would not start them. Build ${theirs} (with the target the compose file's \`build:\` names) as the app's image, or give these processes commands that run from the repository.`;
}
