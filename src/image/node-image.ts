// The Dockerfile for a Node.js app: the Node it declares, the lockfile's package manager (npm ci
// only with a package-lock.json; yarn classic or berry, pnpm through corepack), its build script
// when it has one (a workspace member's through Nx or Turborepo: node-workspace.ts), production
// dependencies only in the runtime image, yarn or pnpm there too when a start command runs them,
// the `node` user.
import path from "node:path";
import { renderTemplateSync } from "../render/templates.js";
import type { ImageInput, RuntimeImage } from "./image-types.js";
import { declaredVersion, supportedVersion, versionNote } from "./runtime-versions.js";
import { packageMigrationScript } from "./migration-script.js";
import { frontEndOf } from "./front-end.js";
import { buildTimeSettings } from "../contracts/build-time-env.js";
import { gitDependencies } from "./node-git-deps.js";
import { execFor, isWorkspaceRoot, memberBuild } from "./node-workspace.js";
import { readJson, type AppRepo } from "./repo.js";
import { planProcesses } from "./workdir.js";

export interface NodeManager {
  name: "npm" | "yarn-classic" | "yarn-berry" | "pnpm";
  label: string;
  install: string;
  prune?: string;
  run: string;
}

/**
 * The package.json of `dir`: its scripts ({} when it has none, or when the file is absent or not
 * JSON) and its packageManager field when that is a string.
 */
export function packageJson(repo: AppRepo, dir: string): { scripts: Record<string, string>; packageManager?: string } {
  const pkg = readJson<{ scripts?: unknown; packageManager?: unknown }>(repo, path.posix.join(dir, "package.json"));
  const scripts =
    pkg && typeof pkg.scripts === "object" && pkg.scripts !== null && !Array.isArray(pkg.scripts)
      ? Object.fromEntries(Object.entries(pkg.scripts).filter((e): e is [string, string] => typeof e[1] === "string"))
      : {};
  return typeof pkg?.packageManager === "string" ? { scripts, packageManager: pkg.packageManager } : { scripts };
}

export function nodeManager(repo: AppRepo, dir: string): NodeManager {
  const at = (f: string) => path.posix.join(dir, f);
  const declared = packageJson(repo, dir).packageManager ?? "";
  if (repo.exists(at("pnpm-lock.yaml")) || declared.startsWith("pnpm"))
    return {
      name: "pnpm",
      label: "pnpm-lock.yaml (pnpm)",
      install: "pnpm install --frozen-lockfile",
      prune: "pnpm prune --prod",
      run: "pnpm run",
    };
  if (repo.exists(at("yarn.lock")) || declared.startsWith("yarn")) {
    const berry = repo.exists(at(".yarnrc.yml")) || /^yarn@[2-9]/.test(declared);
    return berry
      ? {
          name: "yarn-berry",
          label: "yarn.lock (Yarn Berry; its development dependencies stay in the image)",
          install: "yarn install --immutable",
          run: "yarn run",
        }
      : {
          name: "yarn-classic",
          label: "yarn.lock (Yarn classic)",
          install: "yarn install --frozen-lockfile",
          prune: "yarn install --production --frozen-lockfile --ignore-scripts --prefer-offline",
          run: "yarn run",
        };
  }
  if (repo.exists(at("package-lock.json")) || repo.exists(at("npm-shrinkwrap.json")))
    return {
      name: "npm",
      label: "package-lock.json (npm ci)",
      install: "npm ci",
      prune: "npm prune --omit=dev",
      run: "npm run",
    };
  return {
    name: "npm",
    label: "no lockfile, so npm install resolves versions at build time (commit a package-lock.json to pin them)",
    install: "npm install",
    prune: "npm prune --omit=dev",
    run: "npm run",
  };
}

export function nodeImage(input: ImageInput): RuntimeImage {
  const { repo } = input;
  const placed = planProcesses(input, repo.foldersWith("package.json"));
  const dir = repo.exists(path.posix.join(placed.workdirRel, "package.json"))
    ? placed.workdirRel
    : (repo.foldersWith("package.json")[0] ?? "");
  if (!repo.exists(path.posix.join(dir, "package.json")))
    return {
      ...placed.image,
      notice: "No package.json was found in the repository, so no Node.js Dockerfile was written.",
    };
  const declared = declaredVersion("node", repo, dir);
  const version = declared?.release ?? supportedVersion("node", declared?.min, declared?.below);
  // A workspace member (Twenty's packages/twenty-server) installs from the root, which holds the
  // lockfile, and builds with the monorepo's tool (node-workspace.ts).
  const member = dir !== "" && isWorkspaceRoot(repo);
  const pm = nodeManager(repo, member ? "" : dir);
  const scripts = packageJson(repo, member ? "" : dir).scripts;
  const build = member
    ? memberBuild(repo, dir, { exec: execFor(pm.name), run: pm.run })
    : scripts.build
      ? `${pm.run} build`
      : undefined;
  // A front end another package builds and the server serves (Twenty's dist/front): built and
  // copied after the server's build, which may empty its output folder first (front-end.ts).
  const front = frontEndOf(repo, dir, { exec: execFor(pm.name), run: pm.run });
  const frontBuild = front && "build" in front ? front.build : undefined;
  // A start command that runs yarn or pnpm needs it in the runtime stage too, at the version
  // package.json pins, fetched at build time (not by the first request) into a folder `node` reads.
  const commands = [...Object.values(placed.image.argv), ...(placed.cmd ? [{ ok: true, argv: placed.cmd }] : [])];
  // The deploy's migration job runs the package's migration script the same way, from the WORKDIR
  // (cicd/migrations.ts): the manager must be there, and the tool too when it is a dev dependency.
  const migration = packageMigrationScript(repo, dir);
  const runtimeManager =
    commands.some((a) => a.ok && /^(yarn|yarnpkg|pnpm|pnpx)$/.test(a.argv[0] ?? "")) || migration !== undefined;
  // Node 25 and later ship without corepack: install it before enabling yarn or pnpm.
  const corepack =
    pm.name === "npm"
      ? ""
      : Number(version) >= 25
        ? "npm install --global corepack && corepack enable"
        : "corepack enable";
  // Packages taken from git need git in the build stage; the slim image has none.
  const fromGit = gitDependencies(repo, member ? "" : dir);
  // Public settings the bundler inlines (build-time-env.ts): ARGs before the build, which reads them.
  const inlined = new Map(input.processes.flatMap((p) => [...buildTimeSettings(p, p.env, repo)]));
  const publicArgs = [...inlined.keys()].sort();
  const content = renderTemplateSync("image/Dockerfile.node.hbs", {
    publicArgs,
    publicLabel: [...new Set(inlined.values())].join(", "),
    app: input.appName,
    gitDeps: fromGit.length ? fromGit.slice(0, 4).join(", ") + (fromGit.length > 4 ? "…" : "") : "",
    version,
    versionNote: versionNote(declared, version, declared?.gap ? { gap: declared.gap } : {}),
    managerLabel: pm.label,
    corepack,
    install: pm.install,
    build: build ?? "",
    front: frontBuild
      ? {
          note:
            frontBuild.from === frontBuild.to
              ? `${frontBuild.package}'s build, in ${frontBuild.to} as ${frontBuild.source} has it`
              : `${frontBuild.package}'s build, copied to ${frontBuild.to} as ${frontBuild.source} does`,
          // Served where it is built (client/dist): the build alone.
          run:
            frontBuild.from === frontBuild.to
              ? `cd /app && ${frontBuild.build}`
              : `cd /app && ${frontBuild.build} \\\n    && rm -rf /app/${frontBuild.to} && mkdir -p /app/${path.posix.dirname(frontBuild.to)} \\\n    && cp -R /app/${frontBuild.from} /app/${frontBuild.to}`,
        }
      : "",
    prune: migration?.devOnly ? "" : (pm.prune ?? ""),
    keepDev: migration?.devOnly ? `${migration.script} (${migration.tool}), a development dependency` : "",
    // package.json below the root (a release folder): dependencies are installed there.
    installDir: dir && !member ? path.posix.join("/app", dir) : "",
    member: member ? dir : "",
    runtimeCorepack:
      runtimeManager && corepack
        ? `${corepack} && cd /app && corepack install${packageJson(repo, member ? "" : dir).packageManager ? "" : ` --global ${pm.name === "pnpm" ? "pnpm@latest" : "yarn@1"}`}`
        : "",
    workdir: placed.image.workdir,
    cmd: (placed.cmd ?? ["node", "."]).join(" "),
  });
  return {
    ...placed.image,
    content,
    version,
    versionNote: declared?.source ?? "none declared",
    packageManager: pm.name,
    ...(frontBuild ? { frontEnd: frontBuild } : {}),
    ...(front && "gap" in front ? { frontEndGap: front.gap } : {}),
  };
}
