// How a Go project's releases build its binary when it ships them with goreleaser: the main package
// (`builds[].main`, listmonk's ./cmd) and the commands that run around `go build` — `before.hooks`
// (listmonk's `make build-frontend`: the Vue admin) and `builds[].hooks.pre/post` (its `make
// pack-bin BIN={{ .Path }}`, which packs the front end, SQL and templates into the binary with
// stuffbin). A plain `go build` without them gives a binary that lacks what the release has, so the
// image runs them in the same order. https://goreleaser.com/customization/builds/go/ (hooks),
// https://goreleaser.com/customization/hooks/ (before)
import { parse as parseYaml } from "yaml";
import type { AppRepo } from "./repo.js";

export interface GoreleaserBuild {
  /** The file it was read from. */
  file: string;
  /** `builds[].main` for the binary: the package `go build` builds. */
  main?: string;
  /** Commands before `go build` (before.hooks, then the build's pre hooks), `{{ .Path }}` filled in. */
  before: string[];
  /** Commands after it (the build's post hooks). */
  after: string[];
  /** Hooks that could not be run as written (another template field, an object without `cmd`). */
  skipped: string[];
}

type Hook = string | { cmd?: unknown };

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
/** A hook goreleaser runs without a shell: plain words only (no pipes, no redirections). */
const PLAIN_HOOK = /^[\w./:=@%+,{}" -]{1,300}$/;

/** The build of `binary` in the repository's .goreleaser.yml, when it has one. */
export function goreleaserBuild(repo: AppRepo, binary: string): GoreleaserBuild | undefined {
  const file = [".goreleaser.yml", ".goreleaser.yaml"].find((f) => repo.read(f) !== undefined);
  if (!file) return undefined;
  let doc: unknown;
  try {
    doc = parseYaml(repo.read(file)!);
  } catch {
    return undefined;
  }
  if (!isObject(doc)) return undefined;
  const builds = asList(doc.builds).filter(isObject);
  const build =
    builds.find((b) => b.binary === binary) ??
    (builds.length === 1 && (builds[0]!.binary === undefined || doc.project_name === binary) ? builds[0] : undefined);
  if (!build) return undefined;
  const out: GoreleaserBuild = { file, before: [], after: [], skipped: [] };
  if (typeof build.main === "string" && /^\.?[\w./-]*$/.test(build.main)) out.main = build.main;
  const path = `/out/${binary}`;
  const take = (hooks: unknown, into: string[]) => {
    for (const h of asList(hooks) as Hook[]) {
      const raw = typeof h === "string" ? h : isObject(h) && typeof h.cmd === "string" ? h.cmd : undefined;
      if (raw === undefined) continue;
      const cmd = raw.replace(/\{\{\s*\.Path\s*\}\}/g, path).trim();
      if (/\{\{/.test(cmd) || !PLAIN_HOOK.test(cmd)) out.skipped.push(raw);
      else into.push(cmd);
    }
  };
  take(isObject(doc.before) ? doc.before.hooks : undefined, out.before);
  const hooks = isObject(build.hooks) ? build.hooks : {};
  take(hooks.pre, out.before);
  take(hooks.post, out.after);
  return out;
}
