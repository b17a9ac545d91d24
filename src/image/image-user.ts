// Who an image's processes run as, by number. Cloud Storage volumes (the VM's upload folders) are
// mounted by Cloud Storage FUSE, which gives every file and folder one owner: the user the mount
// names, else gcsfuse's own (root), with modes 644/755 that the kernel enforces. A non-root app
// then cannot write its uploads, so the deploy names this user's ids on the mount
// (design/rules/storage.ts, cicd/deploy-flags.ts). Numbers, not names: the mount cannot look a
// name up in the image.
import { parseDockerfile } from "./dockerfile-parse.js";
import type { Stack } from "./runtime-versions.js";

export interface ImageUser {
  /** The USER the Dockerfile names. */
  name: string;
  uid: number;
  /** Absent when only the uid is known (a bare `USER 1000`). */
  gid?: number;
}

/** The user our Python, Ruby and Java Dockerfiles create, with fixed ids (useradd's own pick varies by base image). */
export const APP_USER: ImageUser = { name: "app", uid: 10001, gid: 10001 };

/** The user each Dockerfile we write runs as (templates/image/Dockerfile.<runtime>.hbs). */
export const IMAGE_USERS: Record<Stack | "native", ImageUser> = {
  python: APP_USER,
  ruby: APP_USER,
  java: APP_USER,
  // The official node images create `node` as 1000:1000 (github.com/nodejs/docker-node, Dockerfile).
  node: { name: "node", uid: 1000, gid: 1000 },
  // php:*-apache runs Apache's children as www-data: 33:33 in Debian (base-passwd's fixed ids).
  php: { name: "www-data", uid: 33, gid: 33 },
  // distroless `:nonroot` images: user nonroot, 65532:65532 (github.com/GoogleContainerTools/distroless).
  go: { name: "nonroot", uid: 65532, gid: 65532 },
  // A prebuilt release's program (release-image.ts) on debian:bookworm-slim.
  native: APP_USER,
};

const ID = /^\d{1,10}$/;
const MAX_ID = 2 ** 31 - 1;
const id = (text: string | undefined): number | undefined =>
  text !== undefined && ID.test(text) && Number(text) <= MAX_ID ? Number(text) : undefined;

/** `useradd … --uid N … NAME` / `adduser -u N … NAME` (and the group's id) in the Dockerfile's RUN lines. */
function createdIds(runs: string[], name: string): { uid?: number; gid?: number } {
  const out: { uid?: number; gid?: number } = {};
  for (const run of runs) {
    for (const command of run.split(/&&|;|\|\|/)) {
      const words = command.trim().split(/\s+/);
      const tool = words[0]?.replace(/^.*\//, "");
      const value = (flags: string[]): string | undefined => {
        for (let i = 0; i < words.length; i++) {
          const [flag, inline] = words[i]!.split("=", 2);
          if (flags.includes(flag!)) return inline ?? words[i + 1];
        }
        return undefined;
      };
      if ((tool === "useradd" || tool === "adduser") && words[words.length - 1] === name) {
        out.uid = id(value(["-u", "--uid"])) ?? out.uid;
        out.gid = id(value(["-g", "--gid", "-G"])) ?? out.gid;
      }
      if ((tool === "groupadd" || tool === "addgroup") && words[words.length - 1] === name)
        out.gid = id(value(["-g", "--gid"])) ?? out.gid;
    }
  }
  return out;
}

/**
 * The user a team's own Dockerfile runs its final stage as, when its ids can be told from the file:
 * a numeric `USER uid[:gid]`, or a name the same Dockerfile creates with a fixed uid. Undefined
 * when they cannot (a name from the base image, ids picked by useradd, no USER: the base image's
 * choice): the mount is then made writable for any user instead.
 */
export function dockerfileUser(text: string): ImageUser | undefined {
  const stages = parseDockerfile(text);
  const last = stages[stages.length - 1];
  if (!last) return undefined;
  const user = [...last.instructions]
    .reverse()
    .find((i) => i.keyword === "USER")
    ?.args.trim();
  if (!user || /\$/.test(user)) return undefined;
  const [who, group] = user.split(":", 2) as [string, string | undefined];
  const runs = stages.flatMap((s) => s.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args));
  const created = createdIds(runs, who);
  const uid = id(who) ?? created.uid;
  if (uid === undefined) return undefined;
  const gid = group === undefined ? created.gid : (id(group) ?? createdIds(runs, group).gid);
  return { name: who, uid, ...(gid !== undefined ? { gid } : {}) };
}
