// One image per runtime the app's processes run on (Mastodon: Ruby for Rails and Sidekiq, Node.js
// for its streaming server): the main runtime's Dockerfile at the repository root, any other as
// Dockerfile.<runtime>. Every runtime's Dockerfile is written from the repository (PHP served by
// Apache, Java as a Spring Boot jar); where the repository does not say enough (no manifest, a WAR,
// an extension without a recipe) the image gets a notice with the reason, never a guessed file.
import { inventoryDatabaseEngine } from "../contracts/database-engine.js";
import type { Inventory, Service, TeamBuild } from "../inventory/schema.js";
import path from "node:path";
import { APP_DIR, inImagePath, otherCheckout, vmAppRoot } from "./app-root.js";
import {
  codeLinkCommands,
  dataDirCommands,
  secretFileCommands,
  secretFileMounts,
  withBuildInputs,
  withCodeLinks,
} from "./code-links.js";
import { goImage } from "./go-image.js";
import { healthRouteOf, type HealthRoute } from "./health-route.js";
import { dockerfileUser, IMAGE_USERS } from "./image-user.js";
import type { ImageInput, RuntimeImage } from "./image-types.js";
import { nodeImage } from "./node-image.js";
import { pythonImage } from "./python-image.js";
import { javaImage } from "./java-image.js";
import { phpImage } from "./php-image.js";
import { teamOnlyNotice, teamOnlyPrograms } from "./team-only-programs.js";
import { releaseArtifact, releaseImage } from "./release-image.js";
import { openRepo, type AppRepo } from "./repo.js";
import { rubyImage } from "./ruby-image.js";
import { mainDockerfile } from "./serves-http.js";
import { teamImage } from "./team-image.js";
import type { Stack } from "./runtime-versions.js";

export type { RuntimeImage } from "./image-types.js";

const PROCESS_ROLES = new Set(["web", "worker", "scheduler", "cron", "other"]);

/** Runtimes by what a process runs, for inventories written before `runtime` existed. */
const SOFTWARE: Array<[Stack, RegExp]> = [
  [
    "python",
    /uvicorn|gunicorn|uwsgi|granian|celery|fastapi|django|flask|python|hypercorn|daphne|\brq\b|dramatiq|huey/i,
  ],
  ["ruby", /puma|unicorn|rails|sidekiq|ruby|rackup|resque|good_?job|\bbundle\b|\bthin\b/i],
  ["php", /php|laravel|artisan|symfony|horizon/i],
  ["java", /java|spring|tomcat|jetty|gradle|\bmvn\b|\.jar\b/i],
  ["go", /\bgo\b|golang/i],
  ["node", /\bnode\b|npm|pm2|express|next|nest|yarn|pnpm|bullmq/i],
];

export function runtimeOf(s: Service): Stack | undefined {
  if (s.runtime && s.runtime !== "other") return s.runtime;
  return SOFTWARE.find(([, re]) => re.test(`${s.software} ${s.command ?? ""}`))?.[0];
}

/**
 * The team's image the app's main runtime runs on the VM (compose `build:`, inventory `build`): its
 * web process's, else the first of its processes that has one. The deploy builds that image.
 */
export function teamBuildOf(inv: Inventory): TeamBuild | undefined {
  const main = mainRuntime(inv);
  const own = inv.services.filter((s) => PROCESS_ROLES.has(s.role) && s.build && runtimeOf(s) === main);
  return (own.find((s) => s.role === "web") ?? own[0])?.build;
}

/** The app's main runtime: the one most of its processes run, ties broken by the first web process. */
export function mainRuntime(inv: Inventory): Stack | undefined {
  const processes = inv.services.filter((s) => PROCESS_ROLES.has(s.role));
  const counts = new Map<Stack, number>();
  for (const s of processes) {
    const r = runtimeOf(s);
    if (r) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  const firstWeb = processes.map(runtimeOf).find((r, i) => r && processes[i]!.role === "web");
  return [...counts.entries()].sort(
    (a, b) => b[1] - a[1] || (a[0] === firstWeb ? -1 : b[0] === firstWeb ? 1 : 0),
  )[0]?.[0];
}

const BUILDERS: Record<Stack, (input: ImageInput) => RuntimeImage> = {
  python: pythonImage,
  node: nodeImage,
  ruby: rubyImage,
  go: goImage,
  php: phpImage,
  java: javaImage,
};

export interface ImagePlan {
  /** The app's folder on the VM, when the inventory shows it. */
  root?: string;
  main?: Stack;
  images: RuntimeImage[];
  /** Web processes' own health routes (health-route.ts); a web process missing here gets a TCP probe. */
  health: Record<string, HealthRoute>;
  /** The main runtime's Dockerfile: `Dockerfile`, or ours beside a team one that serves no HTTP (serves-http.ts). */
  mainDockerfile: string;
  /** Why the team's Dockerfile is not built (it serves no HTTP). */
  teamNotHttp?: string;
  /** The team's image the deploy builds, from the compose file's `build:` (folder, target, arguments). */
  mainBuild?: TeamBuild;
}

/** The processes of one runtime this repository runs, web processes first (the image's CMD runs the first). */
function processesOf(inv: Inventory, runtime: Stack, root: string | undefined): Service[] {
  const mine = inv.services.filter(
    (s) => PROCESS_ROLES.has(s.role) && runtimeOf(s) === runtime && !otherCheckout(s, root),
  );
  return [
    ...mine.filter((s) => s.role === "web" && !(s.protocols ?? []).includes("websocket")),
    ...mine.filter((s) => s.role === "web" && (s.protocols ?? []).includes("websocket")),
    ...mine.filter((s) => s.role !== "web"),
  ];
}

export function planImages(
  inv: Inventory,
  repoDir: string,
  options: { osPython?: string; generated?: ReadonlySet<string> } = {},
): ImagePlan {
  const repo = openRepo(repoDir, options.generated);
  const root = vmAppRoot(inv, repoDir);
  const main = mainRuntime(inv);
  // A prebuilt release in the app's folder with no source here (release-image.ts): its image downloads it.
  const release = releaseArtifact(inv, repo, root, runtimeOf);
  const released = (s: Service) => release?.services.includes(s.name) ?? false;
  const own = inv.services.filter((s) => PROCESS_ROLES.has(s.role) && !otherCheckout(s, root) && !released(s));
  const runtimes = [...new Set(own.map(runtimeOf))].filter((r): r is Stack => r !== undefined);
  runtimes.sort((a, b) => (a === main ? -1 : b === main ? 1 : 0));
  const mainFile = mainDockerfile((f) => repo.read(f), teamBuildOf(inv));
  const engine = inventoryDatabaseEngine(inv);
  const images = runtimes.map((runtime): RuntimeImage => {
    const dockerfile = runtime === main && !release ? mainFile.file : `Dockerfile.${runtime}`;
    const processes = processesOf(inv, runtime, root).filter((s) => !released(s));
    // The team's own Dockerfile under our name is built as it is (cicd/images.ts): it has its files.
    const teamOnly = repo.read(dockerfile) === undefined ? teamOnlyPrograms(processes, repo) : [];
    if (teamOnly.length)
      return { runtime, dockerfile, workdir: APP_DIR, argv: {}, notice: teamOnlyNotice(teamOnly, dockerfile) };
    const image = BUILDERS[runtime]({
      repo,
      appName: inv.metadata.name,
      runtime,
      dockerfile,
      root,
      processes,
      ...(engine ? { databaseEngine: engine } : {}),
      uploads: (inv.storage ?? []).map((st) => inImagePath(st.path, root)).filter((p) => p.startsWith(`${APP_DIR}/`)),
      mounts: Object.fromEntries(secretFileMounts(inv).map((m) => [m.path, m.mountPath])),
      ...(runtime === "python" && options.osPython ? { osPython: options.osPython } : {}),
    });
    // The deploy builds the team's own Dockerfile where there is one (cicd/images.ts), else ours.
    const own = repo.read(dockerfile);
    const user = own !== undefined ? dockerfileUser(own) : image.content ? IMAGE_USERS[runtime] : undefined;
    const linked =
      image.content &&
      withCodeLinks(image.content, [
        ...secretFileCommands(inv, root),
        ...codeLinkCommands(inv, root, repo, user),
        ...dataDirCommands(inv, root, user),
      ]);
    const content = linked && (runtime === main ? withBuildInputs(linked, inv.buildInputs ?? []) : linked);
    const target = dockerfile === mainFile.build?.dockerfile ? mainFile.build.target : undefined;
    const team =
      own !== undefined
        ? teamImage(own, (f) => repo.read(f), { list: (d) => repo.files(d), ...(target ? { target } : {}) })
        : undefined;
    // The team's image the compose file builds is the app's image: ours (its text, what its CMD
    // serves, why it could not be written) is nothing the deploy builds or the plan may describe.
    if (mainFile.build && dockerfile === mainFile.build.dockerfile) {
      const { content: _c, serves: _s, notice: _n, ...rest } = image;
      return {
        ...rest,
        ...(user ? { user } : {}),
        ...(team && Object.keys(team).length ? { team } : {}),
      };
    }
    return {
      ...image,
      ...(content ? { content } : {}),
      ...(user ? { user } : {}),
      ...(team && Object.keys(team).length ? { team } : {}),
    };
  });
  // Processes that run a published image (compose `image:` without `build:`) with no source here:
  // nothing of ours can stand for that image, so the notice says to run it as it is.
  const pulled = own.filter((s) => s.image && !s.build && !runtimeOf(s));
  if (pulled.length && !release && !images.some((i) => i.dockerfile === mainFile.file)) {
    const main = pulledImageOf(inv);
    images.push({
      runtime: "native",
      dockerfile: mainFile.file,
      workdir: "/",
      argv: {},
      notice: pulledNotice(pulled, main),
      ...(main ? { pulled: main } : {}),
    });
  }
  if (release) {
    const image = releaseImage(
      { appName: inv.metadata.name, dockerfile: mainFile.file, processes: inv.services.filter(released) },
      release,
    );
    const theirs = repo.read(image.dockerfile);
    const user = theirs !== undefined ? dockerfileUser(theirs) : IMAGE_USERS[image.runtime];
    // The VM's secret settings (config/config.json) replace the release's default, linked to their mount.
    const content = image.content && withCodeLinks(image.content, secretFileCommands(inv, release.folder));
    images.unshift({ ...image, ...(content ? { content } : {}), ...(user ? { user } : {}) });
  }
  images.push(...elsewhere(inv, root, repo, options.osPython ? { osPython: options.osPython } : {}));
  const webs = inv.services.filter((s) => s.role === "web" && !otherCheckout(s, root));
  const health: Record<string, HealthRoute> = {};
  for (const s of webs) {
    const route = healthRouteOf(
      repo,
      s,
      images.find((i) => i.release?.services.includes(s.name)) ?? images.find((i) => i.runtime === runtimeOf(s)),
      webs.length,
    );
    if (route) health[s.name] = route;
  }
  return {
    ...(root ? { root } : {}),
    ...(main ? { main } : {}),
    images,
    health,
    mainDockerfile: mainFile.file,
    ...(mainFile.build ? { mainBuild: mainFile.build } : {}),
    ...(mainFile.notHttp ? { teamNotHttp: mainFile.notHttp } : {}),
  };
}

/**
 * A process run from another checkout on the VM (app-root.ts otherCheckout) gets an image of its
 * own, named after it. Its repository is its own (Taiga's taiga-events and taiga-protected each
 * build from their root, `COPY . /taiga-events`), so when this repository holds it as a folder of
 * that name (a git submodule), its Dockerfile is written like the app's, from that folder, which is
 * its build context; otherwise there is nothing here to build it from and the notice says where it is.
 */
function elsewhere(
  inv: Inventory,
  root: string | undefined,
  repo: AppRepo,
  base: Pick<ImageInput, "osPython">,
): RuntimeImage[] {
  return inv.services.flatMap((s): RuntimeImage[] => {
    const folder = PROCESS_ROLES.has(s.role) ? otherCheckout(s, root) : undefined;
    const runtime = runtimeOf(s);
    if (!folder || !runtime) return [];
    const dockerfile = `Dockerfile.${s.name}`;
    const context = path.posix.basename(folder);
    const checkout = { service: s.name, folder };
    if (!repo.isDir(context))
      return [
        {
          runtime,
          dockerfile,
          workdir: APP_DIR,
          argv: {},
          checkout,
          notice: `${s.name} runs from ${folder} on the VM, a checkout beside this repository's (${root}), so this repository does not hold its code and no Dockerfile is written for it: add that repository here (a git submodule at ${context}/) and run infra-migrate again to write ${dockerfile}, or build its image in its own repository and deploy that image.`,
        },
      ];
    const sub = openRepo(path.join(repo.dir, context));
    const image = BUILDERS[runtime]({
      ...base,
      appName: s.name,
      repo: sub,
      runtime,
      dockerfile,
      root: folder,
      processes: [s],
    });
    const user = image.content ? IMAGE_USERS[runtime] : undefined;
    return [{ ...image, checkout, context, ...(user ? { user } : {}) }];
  });
}

/** The image a process runs in: its own when it comes from another checkout, else its runtime's. */
export function imageFor(plan: ImagePlan, service: Service): RuntimeImage | undefined {
  const own = plan.images.find(
    (i) => i.checkout?.service === service.name || i.release?.services.includes(service.name),
  );
  if (own) return own;
  const r = runtimeOf(service);
  return plan.images.find((i) => i.runtime === r && !i.checkout);
}

/**
 * The published image the app's web process runs when nothing here says its language (a compose
 * `image:` without `build:`): the deploy copies that image instead of building one.
 */
export function pulledImageOf(inv: Inventory): string | undefined {
  const webs = inv.services.filter((s) => s.role === "web");
  // A web process the repository builds (a Node API beside Keycloak's published image) is the
  // app: the published image is that other process's alone, never the image every target runs.
  if (webs.some((s) => !publishedImage(s) && runtimeOf(s))) return undefined;
  return webs.find(publishedImage)?.image;
}

/** A process that runs a published image as it is (compose `image:` without `build:`, of no runtime we build). */
export const publishedImage = (s: Service): boolean => Boolean(s.image && !s.build && !runtimeOf(s));

/** Why no Dockerfile is written for processes that run a published image, and what the deploy does instead. */
function pulledNotice(pulled: Service[], main: string | undefined): string {
  const named = pulled.map((s) => `${s.name} runs \`${s.image}\``).join(", ");
  const them = pulled.length > 1 ? "them" : "it";
  const rest = pulled.filter((s) => s.image !== main);
  return `${named}: published image${pulled.length > 1 ? "s" : ""} the VM pulls, with no source in this repository to build ${them} from, so no Dockerfile is written. ${main ? `The deploy copies \`${main}\` into the Artifact Registry repository (\`docker pull\`, \`docker tag\`, \`docker push\`; Cloud Run deploys from Artifact Registry or Docker Hub) and runs it as it is, pinned to the tag the VM runs.${rest.length ? ` Copy ${rest.map((s) => `\`${s.image}\``).join(", ")} the same way for ${rest.map((s) => s.name).join(", ")}.` : ""}` : `Run ${them} as ${pulled.length > 1 ? "they are" : "it is"}: copy each into the Artifact Registry repository (\`docker pull\`, \`docker tag\`, \`docker push\`; Cloud Run deploys from Artifact Registry or Docker Hub) and deploy that image, pinned to the tag the VM runs.`}`;
}
