// What the image planner takes and gives, per runtime (one Dockerfile each).
import type { Service } from "../inventory/schema.js";
import type { FrontEndBuild } from "./front-end.js";
import type { ProcessArgv } from "./process-argv.js";
import type { AppRepo } from "./repo.js";
import type { ImageUser } from "./image-user.js";
import type { Stack } from "./runtime-versions.js";
import type { TeamImage } from "./team-image.js";

export interface ImageInput {
  repo: AppRepo;
  appName: string;
  runtime: Stack;
  /** Repository path of the Dockerfile to write ("Dockerfile", "Dockerfile.node"). */
  dockerfile: string;
  /** The app's folder on the VM (app-root.ts). */
  root?: string;
  /** This runtime's processes, the one the image's CMD runs first. */
  processes: Service[];
  /** The Python the VM's OS ships, used when the app declares none. */
  osPython?: string;
  /** The app's database engine (postgres, mysql): picks the matching optional dependencies. */
  databaseEngine?: string;
  /** Folders of user files (inventory `storage`) as image paths under APP_DIR: the runtime user writes there. */
  uploads?: string[];
  /** VM paths of the inventory's secret files → their mount paths: commands that name one use the mount. */
  mounts?: Record<string, string>;
}

/** A prebuilt release the VM runs from the app's folder, with no source in the repository (release-image.ts). */
export interface ReleaseArtifact {
  /** A tarball unpacked to the app's folder, or one jar. */
  kind: "tarball" | "jar";
  /** The program on the VM (/opt/mattermost/bin/mattermost, /opt/metabase/metabase.jar). */
  program: string;
  /** The folder the release is installed in: the app's folder on the VM. */
  folder: string;
  /** The processes that run it. */
  services: string[];
}

export interface RuntimeImage {
  /** A published image the deploy copies as it is instead of building this Dockerfile (plan.ts pulledImageOf). */
  pulled?: string;
  /** The language it runs, or `native`: a prebuilt program of no known language (release-image.ts). */
  runtime: Stack | "native";
  dockerfile: string;
  /** The Dockerfile, or undefined with `notice` saying why none is written. */
  content?: string;
  notice?: string;
  /** WORKDIR in the image (absolute). */
  workdir: string;
  /** What CMD runs, `${PORT}` for the port. */
  cmd?: string[];
  /** Each process's argv in this image (web servers bound to 0.0.0.0:8080), or why there is none. */
  argv: Record<string, ProcessArgv>;
  version?: string;
  versionNote?: string;
  packageManager?: string;
  /** How the image answers HTTP on $PORT when it is not the process's own server (PHP's Apache, Spring's flag). */
  serves?: string;
  /**
   * Who the image runs as, by number, when known: ours (image-user.ts), or the team's own
   * Dockerfile when it says (dockerfileUser). Set by planImages.
   */
  user?: ImageUser;
  /**
   * The team's own Dockerfile, which the deploy builds instead of ours: where it holds the
   * repository and the venv it leaves off PATH (team-image.ts). Set by planImages.
   */
  team?: TeamImage;
  /** The image of one process that runs from another checkout on the VM (plan.ts elsewhere). */
  checkout?: { service: string; folder: string };
  /** The prebuilt release the image downloads instead of building (release-image.ts). */
  release?: ReleaseArtifact;
  /** The front end another package builds that the image builds and puts where the server serves it (front-end.ts). */
  frontEnd?: FrontEndBuild;
  /** Why the image may lack the front end the server serves, and what to add (front-end.ts). */
  frontEndGap?: string;
  /**
   * Files the start command names that the image does not hold (a JVM image's runtime stage has only
   * the build's output: `java -jar app.jar conf/app.xml` starts without conf/app.xml), and what to add.
   */
  startGap?: string;
  /** The build context, a folder of the repository, when it is not its root (a checkout's submodule). */
  context?: string;
}
