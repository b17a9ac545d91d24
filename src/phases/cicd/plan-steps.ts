// The cicd phase's part of docs/migration/README.md: the setup scripts in the order their
// prerequisites allow, the first deploy, and the pipeline's own rollback.
import {
  type Deployment,
  isAiWorkerTarget,
  isPublicApi,
  oneWriterNote,
  previousRevisionCommand,
} from "../../contracts/deployment.js";
import {
  cutoverHolds,
  decisionsTaken,
  deployedOnly,
  heldLabel,
  heldWhy,
  waitsFor,
} from "../../contracts/held-targets.js";
import type { PlanStep } from "../../contracts/plan.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { buildContext, rolloutStrategy, serviceAccountEmail } from "./context.js";
import { deployOrder } from "./deploy-flags.js";
import { vmAppRoot } from "../../image/app-root.js";
import { appImages } from "./images.js";
import { releaseStep } from "./release-step.js";
import { teamBuildCommand, teamBuildText } from "./team-build.js";
import { everyReleaseJobs, runOncePlan } from "./run-once-jobs.js";
import { runOnceDeployText, runOncePlanSteps } from "./run-once-plan.js";
import { migrations } from "./migrations.js";
import { buildArgNames, PLAIN_ENV_FILE, plainEnvNames, plainSettingsCommand } from "./plain-env.js";
import { CICD_PATHS } from "./render.js";
import { heldSchedules, schedulesView } from "./schedules.js";
import type { CicdResult } from "./schema.js";
import {
  databaseView,
  FALLBACK_URL_SECRET,
  javaTargetNames,
  networkView,
  queuesView,
  secretsView,
} from "./setup-views.js";

/** The VM's database name, as the design's runbook calls it: the person fills it in. */
const APP_DB = "APP_DB";

const script = (file: string, args = ""): string[] => [`bash ${file} --dry-run${args}`, `bash ${file}${args}`];

/**
 * The VM's env files the app's settings live in (a unit's EnvironmentFile=, the app's own .env),
 * most used first; the placeholder when the inventory names none and no unit's `Environment=`
 * lines hold them either (`units`: Weblate's gunicorn.service sets its one setting there).
 */
function vmEnvFiles(input: PhaseInput, units: readonly string[]): string[] {
  const count = new Map<string, number>();
  for (const s of input.inventory.services) if (s.envFile) count.set(s.envFile, (count.get(s.envFile) ?? 0) + 1);
  const files = [...count].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([f]) => f);
  return files.length || units.length ? files : ["/etc/ENV_FILE"];
}

/**
 * `--exclude` options for the folders a proxy served from inside `folder` that hold files built
 * from the code (servedFolders[].built: Weblate's DATA_DIR/cache/static): never copied as data.
 */
function builtExcludes(input: PhaseInput, folder: string): string {
  const root = folder.replace(/\/+$/, "");
  return input.inventory.services
    .flatMap((s) => s.servedFolders ?? [])
    .filter((f) => f.built && f.folder.startsWith(`${root}/`))
    .map((f) => `--exclude=${f.folder.slice(root.length).replace(/\/*$/, "/")} `)
    .join("");
}

/** ` (REDIS_URL, CELERY_BROKER_URL): never copied from the VM`: the names the deploy fills with a cache's address. */
function cacheNames(caches: ReadonlyArray<{ urlEnv: string[] }>): string {
  const names = [...new Set(caches.flatMap((c) => c.urlEnv))].sort();
  return names.length
    ? ` (${names.map((n) => `\`${n}\``).join(", ")}: looked up at each deploy, never copied from the VM)`
    : "";
}

/**
 * The systemd units whose `Environment=` lines hold settings no env file does and Cloud Run gets
 * (`NODE_ENV` beside a JSON settings file): the secrets setup and the plain settings' command read
 * them too. A unit whose settings all come from its EnvironmentFile=, or that sets only what the
 * design drops (PORT, PYTHONUNBUFFERED), is left out; an inventory that does not say (no
 * `unitEnv`) and names no env file has the values only there.
 */
export function vmUnits(inventory: PhaseInput["inventory"], deployment: Deployment): string[] {
  const carried = new Set(deployment.services.flatMap((t) => [...t.secrets, ...(t.plainEnv ?? [])]));
  const holdsValues = (s: PhaseInput["inventory"]["services"][number]) =>
    s.unitEnv ? s.unitEnv.some((n) => carried.has(n)) : !s.envFile && s.env.length > 0;
  const units = inventory.services.filter((s) => s.systemdUnit && holdsValues(s)).map((s) => s.systemdUnit!);
  return [...new Set(units)].sort();
}

/** Held targets whose account only they use: setup-wif.sh creates it with no role (render.ts setupWif). */
function heldAccountsNote(deployment: Deployment): string {
  const deployed = new Set(deployedOnly(deployment).services.map((s) => s.serviceAccount));
  const held = deployment.services.filter((s) => s.held && !deployed.has(s.serviceAccount));
  const accounts = [...new Set(held.map((s) => s.serviceAccount))];
  if (accounts.length === 0) return "";
  const one = accounts.length === 1;
  const whose = accounts.map(
    (a) =>
      `\`${a}\` (${held
        .filter((s) => s.serviceAccount === a)
        .map((s) => s.name)
        .join(", ")})`,
  );
  const readers = secretsView(deployment)?.heldReaders ?? [];
  const secrets = held.some((s) => readers.includes(heldLabel(s)))
    ? ` and \`setup-secrets.sh\` (which lets ${one ? "it" : "them"} read no secret yet)`
    : "";
  return `${one ? "The account" : "The accounts"} ${whose.join(", ")}, held by the deploy, ${one ? "is" : "are"} created with no role: the deployer may not deploy as ${one ? "it" : "them"} and ${one ? "it reaches" : "they reach"} nothing. Once the decision is taken and infra-migrate rerun, run this script${secrets} again before the deploy that brings ${one ? "it" : "them"}. `;
}

export function cicdPlanSteps(result: CicdResult, input: PhaseInput): PlanStep[] {
  const ctx = buildContext(input);
  const { deployment } = ctx;
  const { project, region } = deployment;
  const repo = ctx.githubRepo ?? "OWNER/REPO";
  const steps: PlanStep[] = [
    {
      stage: "prepare",
      order: 50,
      title: "Tools and access",
      body: `Install \`gcloud\` and \`gh\`, and log in: \`gcloud auth login\` as a project owner of \`${project}\`, \`gh auth login\` with admin rights on \`${repo}\`. Everything below runs from the repository root.`,
    },
    {
      stage: "foundations",
      order: 10,
      title: "Pipeline identities and the production gate",
      body:
        `\`setup-wif.sh\` creates the Artifact Registry repository, the runtime service accounts and two pipeline identities: \`${serviceAccountEmail(ctx.builderAccount, project)}\` (push images only) and \`${serviceAccountEmail(ctx.deployerAccount, project)}\` (deploy; its provider admits only jobs in the GitHub environment \`production\`). ` +
        heldAccountsNote(deployment) +
        `Set the four repository variables it prints, then create the \`production\` environment with required reviewers and the \`${ctx.branch}\` branch rule: without it no deploy can authenticate.`,
      commands: [...script(CICD_PATHS.setupWif), `gh api --method PUT repos/${repo}/environments/production`],
      files: [CICD_PATHS.setupWif, CICD_PATHS.workflow, CICD_PATHS.readme],
    },
  ];
  // The images the deploy builds that infra-migrate could not write (PHP, Java, or no manifest
  // readable) and the repository does not hold: the first deploy would fail on `docker build`.
  const images = appImages(ctx, input);
  const missing = images.missing.filter((m) => !(m.dockerfile === "Dockerfile" && ctx.hasDockerfile));
  if (ctx.release) steps.push(releaseStep(ctx, ctx.release, repo));
  const once = runOncePlan(ctx);
  steps.push(...runOncePlanSteps(ctx, once, repo));
  // The team's Dockerfile ends in PHP-FPM alone, or packages a release tool's binary (image/serves-http.ts): ours is built beside it.
  if (ctx.teamDockerfileNotHttp)
    steps.push({
      stage: "prepare",
      order: 44,
      title: `The image: \`${ctx.mainDockerfile}\`, not the repository's \`Dockerfile\``,
      body: `The repository's \`Dockerfile\` is left as it is and not built: ${ctx.teamDockerfileNotHttp}. The pipeline builds \`${ctx.mainDockerfile}\` (written by infra-migrate, answering HTTP on \`$PORT\`) instead. Review it; to build yours again, make it build from a checkout and its final stage serve HTTP on \`$PORT\`, then delete \`${ctx.mainDockerfile}\`.`,
      // The Dockerfile is the team's, not a file this run writes: only the workflow is linked.
      files: [CICD_PATHS.workflow],
    });
  // The team's image the VM's compose services run (inventory `build`): the deploy builds that one.
  if (ctx.mainBuild && ctx.hasDockerfile)
    steps.push({
      stage: "prepare",
      order: 44,
      title: `The image: your \`${ctx.mainDockerfile}\`${ctx.mainBuild.target ? ` (target \`${ctx.mainBuild.target}\`)` : ""}`,
      body: `${teamBuildText(ctx.mainDockerfile, ctx.mainBuild)} Check that it builds from a clean checkout (\`${teamBuildCommand(ctx.mainDockerfile, ctx.mainBuild)}\`) before the first push.`,
      // The Dockerfile is the team's, not a file this run writes: only the workflow is linked.
      files: [CICD_PATHS.workflow],
    });
  // Code an admin installed in the app's folder (Kimai's var/plugins): build input, not data.
  const inputs = ctx.inventory.buildInputs ?? [];
  if (inputs.length)
    steps.push({
      stage: "prepare",
      order: 43,
      title: `Code the app loads from ${inputs.map((b) => `\`${b.appPath}\``).join(", ")}: into the image`,
      body: `${inputs.map((b) => `\`${b.path}\` (${b.codeFiles ? `${b.codeFiles} file${b.codeFiles > 1 ? "s" : ""} of code on the VM` : "no code in it yet"})`).join(", ")} ${inputs.length > 1 ? "hold" : "holds"} code the app loads at run time, such as plugins an admin installs: build input, not data, so no bucket holds ${inputs.length > 1 ? "them" : "it"}. The pipeline builds the image from the repository, which usually leaves such a folder out (.gitignore): copy the VM's folder into the repository at the same path and commit it before the first deploy, and again whenever a plugin is installed or updated (on Cloud Run an installed plugin lasts only until the instance stops).`,
      // `git add -f`: such folders are usually ignored (Kimai's var/plugins/*), and a plain add skips them.
      commands: [
        ...inputs.map((b) => `rsync -a ${ctx.inventory.host.hostname}:${b.path}/ ${b.appPath}/`),
        `git add -f ${inputs.map((b) => b.appPath).join(" ")}`,
      ],
      // Our Dockerfile when we write it; a team-built image's is the team's own, not linked.
      ...(ctx.mainBuild ? {} : { files: [ctx.mainDockerfile] }),
    });
  // Files a written Dockerfile builds from that git ignores (Redmine's Gemfile.lock): commit the VM's.
  for (const { dockerfile, files } of images.checkoutGaps) {
    const root = vmAppRoot(ctx.inventory, input.repoDir);
    const them = files.length > 1 ? "them" : "it";
    steps.push({
      stage: "prepare",
      order: 44,
      title: `Commit the files \`${dockerfile}\` builds from that git ignores`,
      body: `${files.map((f) => `\`${f}\``).join(", ")} ${files.length > 1 ? "are" : "is"} in the app's folder, but the repository's .gitignore leaves ${them} out, so the checkout the pipeline builds from lacks ${them}: the build fails (or resolves other versions than the VM runs, or the container starts without the settings its command names). Commit the VM's ${files.length > 1 ? "copies" : "copy"} before the first deploy (\`git add -f\`, since git ignores ${them}), and again when ${files.length > 1 ? "they change" : "it changes"} on the VM.`,
      commands: [
        ...(root ? files.map((f) => `rsync -a ${ctx.inventory.host.hostname}:${root}/${f} ${f}`) : []),
        `git add -f ${files.join(" ")}`,
      ],
      files: [dockerfile],
    });
  }
  // Another repository's process (plan.ts elsewhere): the deploy skips it until its Dockerfile exists.
  const skipped = missing.filter((m) => m.checkout);
  if (skipped.length)
    steps.push({
      stage: "prepare",
      order: 46,
      title: `${skipped.map((m) => m.checkout).join(" and ")}: ${skipped.length === 1 ? "an image from its own repository" : "images from their own repositories"}`,
      body: `${skipped.map((m) => m.reason).join(" ")} Until then the deploy workflow skips ${skipped.length === 1 ? "it" : "them"} with a warning (it checks for \`${skipped.map((m) => m.dockerfile).join("` and `")}\`) and deploys the rest of the app.`,
      files: [CICD_PATHS.workflow],
    });
  // A server that serves a static folder another package may build (image/front-end.ts): say so.
  for (const { dockerfile, gap } of images.frontEndGaps)
    steps.push({
      stage: "prepare",
      order: 47,
      title: `The front end in \`${dockerfile}\``,
      body: `\`${dockerfile}\` builds the server only. ${gap} Check the first deploy's pages before the cut-over.`,
      files: [dockerfile],
    });
  // A start command that names a settings file the image lacks (image/java-image.ts): the first
  // deploy's instances would start without it.
  for (const { dockerfile, gap } of images.startGaps)
    steps.push({
      stage: "prepare",
      order: 47,
      title: `The files \`${dockerfile}\`'s start command reads`,
      body: `\`${dockerfile}\`: ${gap} Until then an app that cannot start without its settings exits at start.`,
      files: [dockerfile],
    });
  if (missing.length > skipped.length) {
    const own = missing.filter((m) => !m.checkout);
    steps.push({
      stage: "prepare",
      order: 45,
      title: own.length === 1 ? `A ${own[0]!.dockerfile} for the app` : "Dockerfiles for the app",
      body: `The pipeline builds ${own.map((m) => `\`${m.dockerfile}\` (${m.runtime})`).join(" and ")} from the repository root, and infra-migrate wrote none: ${own.map((m) => m.reason).join(" ")} The first deploy needs ${own.length === 1 ? "it" : "them"}, listening on \`$PORT\`.`,
      files: [CICD_PATHS.workflow],
    });
  }
  const db = databaseView(
    deployment,
    ctx.stack,
    ctx.inventory.metadata.name,
    ctx.repoDir,
    ctx.generated,
    javaTargetNames(deployment, ctx.inventory),
  );
  if (db) {
    steps.push({
      stage: "foundations",
      order: 20,
      title: `Cloud SQL instance ${db.instance}`,
      body:
        `\`setup-database.sh\` creates ${db.databaseVersion} (${db.tier}, ${db.storageGiB} GiB${db.ha ? ", HA" : ""}) with daily backups and point-in-time recovery (\`${db.pitrFlag}\`, 7 days of logs), the app's database and its user; the user's generated password goes straight into ${db.storedSecrets.map((s) => `\`${s}\``).join(", ")} in Secret Manager${db.urlSecrets.length ? ` (${db.urlSecrets.length === 1 ? "a URL" : "URLs"} as \`${db.urlForm}\`)` : ""}${db.namedUrls.length ? ` (Rails' named databases, each a database of its own on the instance: ${db.namedUrls.map((x) => `\`${x.secret}\` names \`${APP_DB}_${x.suffix}\``).join(", ")}; the VM's databases of those names move with the data copy)` : ""}${db.jdbcUrlSecrets.length ? ` (JDBC: \`${db.jdbcForm}\`${db.jdbcPrivate ? ", the instance's private IP: no connector needed" : ", which needs the Cloud SQL Java connector in the build"})` : ""}${db.dsnUrlSecrets.length ? ` (Go's MySQL driver: the DSN \`${db.dsnForm}\`)` : ""}${db.storeSettings.map((x) => ` (${x.what}: \`${x.secret}\` as \`${x.form}\`)`).join("")}${db.userSecrets.length + db.nameSecrets.length ? ", with the user and database names the app reads beside it" : ""}. Creating the instance takes about ten minutes.${db.privateIp ? ` It also gets a private IP on \`${db.network}\` (run \`setup-network.sh\` first): the services whose database client takes only a host reach it there, over Direct VPC egress.` : ""} ${db.extraDatabases.length ? `The server holds ${db.extraDatabases.length + 1} databases (the inventory's \`data[].databases\`), each under its VM name (the data copy keeps them) with its own user and its processes' own settings: \`${db.database}\` (user \`${db.user}\`) for ${db.firstTargets.join(", ") || "no target"}, ${db.extraDatabases.map((x) => `\`${x.name}\` (user \`${x.user}\`) for ${x.targets.join(", ")}, in ${x.secrets.map((n) => `\`${n}\``).join(", ")}`).join("; ")}. One run sets up every one (\`--for NAME\` only that one).${db.copiedOnly.length ? ` ${db.copiedOnly.map((n) => `\`${n}\``).join(", ")}: no process on Cloud Run reads its settings, so the script leaves it to the data copy, which creates it.` : ""}` : `Replace \`${APP_DB}\` with the name of the VM's database: the data copy keeps that name, and the URL must point at it (without \`--database\` it is \`${db.database}\`).`} Use \`--scheme\` if your driver wants another URL scheme. Later password changes go through \`setup-database.sh --rotate-password\` (the Cloud SQL user and every setting holding its password change together; redeploy after it); \`setup-secrets.sh --rotate\` leaves these settings alone.` +
        replicaNote(db.storedSecrets) +
        (db.urlMounted
          ? ""
          : ` **The app does not read it yet**: the inventory names no database URL variable for the app's services, so the deploy mounts none there and the app would start without its database. Before the first deploy, add \`${FALLBACK_URL_SECRET}\` to the \`env\` of every service that uses the database in the inventory (your framework reads it, or map it to your app's own settings) and rerun \`infra-migrate run\`.`),
      commands: script(CICD_PATHS.setupDatabase, db.extraDatabases.length ? "" : ` --database ${APP_DB}`),
      files: [CICD_PATHS.setupDatabase],
    });
    steps.push({
      stage: "rehearse",
      order: 15,
      title: `Empty ${db.instance} for the copy`,
      body: db.extraDatabases.length
        ? `What the first deploy wrote to ${[db.database, ...db.extraDatabases.map((x) => x.name)].map((n) => `\`${n}\``).join(", ")} is test data, and the copy needs an instance without it: Database Migration Service copies only into a Cloud SQL instance that holds no databases of its own (and copies every database of the VM's server, each under its name, keeping the instance a read replica until the promotion), and a dump imports cleanly only into an empty database. Delete each before the copy starts; for a dump and import (one dump per database), create each again, empty, just before its import.`
        : `What the first deploy wrote to \`${APP_DB}\` is test data, and the copy needs an instance without it: Database Migration Service copies only into a Cloud SQL instance that holds no databases of its own (and keeps it a read replica of the VM's database until the promotion), and a dump imports cleanly only into an empty database. Delete it before the copy starts; for a dump and import, create it again, empty, just before the import.`,
      commands: (db.extraDatabases.length ? [db.database, ...db.extraDatabases.map((x) => x.name)] : [APP_DB]).map(
        (n) => `gcloud sql databases delete ${n} --instance=${db.instance} --project=${project}`,
      ),
      files: [CICD_PATHS.setupDatabase],
    });
  }
  const network = networkView(deployment);
  if (network) {
    steps.push({
      stage: "foundations",
      // Cloud SQL's private IP needs the network's private services access: before setup-database.sh.
      order: network.privateSql ? 15 : 30,
      title: network.caches.length ? "Private network and Memorystore" : "Private network",
      body: `\`setup-network.sh\` creates the subnet \`${network.subnet}\` (${network.range}) that the services reach private IPs through (Direct VPC egress)${network.caches.length ? ` and Memorystore (${network.caches.map((c) => `\`${c.name}\``).join(", ")}); the deploy passes each cache's address to the services under their own variable name${cacheNames(network.caches)}` : ""}.${network.filestores.map((f) => ` It creates the Filestore share \`${f.name}\` (${f.tier}, ${f.capacity}, ${f.zone}) for ${f.sourcePath}, which is written in place: the deploy mounts it over NFS. Copy the folder in before the first deploy: mount the share on a Compute Engine VM in that network (\`sudo mount -t nfs FILESTORE_IP:/${f.share} /mnt/share\`), pull the folder from the app's VM (\`sudo rsync -a ${builtExcludes(input, f.sourcePath)}APP_VM:${f.sourcePath}/ /mnt/share/\`, again with writes stopped for the final pass) and give the files to the image's user (\`chown -R\`).`).join("")}${network.privateSql ? " It also connects the network to Cloud SQL (private services access), so the instance can get the private IP that the services whose database client takes only a host reach: run it before `setup-database.sh`; the deploy looks the IP up and sets their host settings to it." : ""} Run it before the first deploy.`,
      commands: script(CICD_PATHS.setupNetwork),
      files: [CICD_PATHS.setupNetwork],
    });
  }
  const units = vmUnits(input.inventory, deployment);
  const envFiles = vmEnvFiles(input, units);
  const otherFiles =
    envFiles.length > 1
      ? ` The services read ${envFiles.length} env files on the VM; the script reads each (a setting two files both set must have the same value in both: one secret holds one value).`
      : "";
  // A settings file that names the VM's database (Gitea's app.ini): its copy must change before the cut-over.
  const fileEdits = (deployment.secretFiles ?? [])
    .filter((f) => f.edits?.length)
    .map(
      (f) =>
        ` The file in \`${f.secret}\` still points at the VM: ${f.edits!.join("; ")}. Edit a copy (never commit it) and store it as a new version (\`gcloud secrets versions add ${f.secret} --project ${deployment.project} --data-file=FILE\`), then delete the copy.`,
    )
    .join("");
  const secrets = secretsView(deployment);
  // Settings the move re-points (deployment.repointed): asked for, or filled in by hand, never the VM's.
  const repointed = new Map((deployment.repointed ?? []).map((r) => [r.name, r.newValue]));
  const repointedText = (names: string[], how: string) =>
    names.length
      ? ` ${names.map((n) => `\`${n}\``).join(", ")} ${names.length === 1 ? "is" : "are"} never copied from the VM: the move re-points ${names.length === 1 ? "it" : "them"}, ${how} (${names.map((n) => `\`${n}\`: ${repointed.get(n)}`).join("; ")}).`
      : "";
  if (secrets) {
    const askedFor = secrets.repointed.filter((n) => secrets.secrets.includes(n));
    steps.push({
      stage: "foundations",
      order: 40,
      title: "Secrets",
      body: `\`setup-secrets.sh\` creates ${[...secrets.secrets, ...secrets.fileSecrets.map((f) => f.split("=")[0]!)].map((s) => `\`${s}\``).join(", ")} in Secret Manager and lets each runtime account read only its own${secrets.heldReaders.length ? ` (not ${secrets.heldReaders.join(", ")}: its account reads them once it deploys and the script is run again)` : ""}.${secrets.fileSecrets.length ? ` ${secrets.fileSecrets.map((f) => `\`${f.split("=")[0]}\` holds the file ${f.slice(f.indexOf("=") + 1)}`).join(", ")} from the VM (copied with --from-vm, bytes only, never printed; every instance mounts the same file).` : ""} ${secrets.secrets.length ? `Values come from the VM's environment file${units.length ? " and its units' `Environment=` lines" : ""} over ssh (held in memory, never printed) or from stdin; database URLs${secrets.dbUserSecrets.length ? ` and the database user, password and name (${secrets.dbUserSecrets.map((s) => `\`${s}\``).join(", ")})` : ""} are never copied from the VM (they point at its database)${db ? " and setup-database.sh already stored them" : ""}.` : "There are no secret env values, so `--from-vm USER@HOST` alone copies the files."}${secrets.commandLineSecrets.length ? ` ${secrets.commandLineSecrets.map((x) => `\`${x}\``).join(", ")} ${secrets.commandLineSecrets.length === 1 ? "is a credential" : "are credentials"} the VM's processes take on their command line (a crontab line, a unit's ExecStart), not in an env file: the script asks for ${secrets.commandLineSecrets.length === 1 ? "it" : "them"}.` : ""}${repointedText(askedFor, `and the script asks for ${askedFor.length === 1 ? "it" : "each"}, saying where ${askedFor.length === 1 ? "the" : "its"} new value comes from`)} Services read \`:latest\` when an instance starts: after a new version, redeploy.${otherFiles}${fileEdits}`,
      commands: [
        `bash ${CICD_PATHS.setupSecrets} --dry-run`,
        fromVmCommand(ctx.inventory.host.hostname ?? "VM", secrets.vmEnvNames.length > 0, envFiles, units),
      ],
      files: [CICD_PATHS.setupSecrets, CICD_PATHS.vmSettingsLib],
    });
  }
  const plain = plainEnvNames(deployment);
  if (plain.length) {
    const host = ctx.inventory.host.hostname ?? "VM";
    const fromVm = plain.filter((n) => !repointed.has(n));
    const byHand = plain.filter((n) => repointed.has(n));
    steps.push({
      stage: "foundations",
      order: 45,
      title: "Plain settings",
      body: `${plain.map((n) => `\`${n}\``).join(", ")} ${plain.length === 1 ? "is a plain setting" : "are plain settings"} (modes, flags, host names), not secrets: the deploy passes ${plain.length === 1 ? "it" : "them"} as plain env vars with the values in \`${PLAIN_ENV_FILE}\`. Fill that file from the VM's env file (${secrets ? `\`setup-secrets.sh --from-vm\` fills its empty lines, or ` : ""}the command below prints them as \`NAME=value\` lines, comments left out${units.length ? ", the units' `Environment=` too" : ""}; check them), commit it, and review changes to it like code. The deploy stops on a missing or empty value, and on characters other than letters, digits and \`_ . : = / @ % + , -\` (list the hosts instead of \`*\`).${repointedText(byHand, `so \`setup-secrets.sh\` leaves ${byHand.length === 1 ? "its line" : "their lines"} empty and the command below leaves ${byHand.length === 1 ? "it" : "them"} out: fill ${byHand.length === 1 ? "it" : "them"} in by hand`)}`,
      commands: fromVm.length ? [plainSettingsCommand(host, fromVm, envFiles, units)] : [],
      files: [PLAIN_ENV_FILE],
    });
  }
  const built = buildArgNames(deployment);
  if (built.length) {
    const host = ctx.inventory.host.hostname ?? "VM";
    const one = built.length === 1;
    steps.push({
      stage: "foundations",
      order: 46,
      title: "Build-time public settings",
      body: `${built.map((n) => `\`${n}\``).join(", ")} ${one ? "is a public setting" : "are public settings"} the front end's bundler writes into the browser code when the image is built: a value set on Cloud Run at runtime would change nothing there. The deploy's image build reads ${one ? "it" : "them"} from the repository ${one ? "variable" : "variables"} of the same name (Settings > Secrets and variables > Actions > Variables; never a secret, every visitor downloads ${one ? "it" : "them"}) and stops while ${one ? "it is" : "one is"} unset. Copy ${one ? "its value" : "the values"} from the VM (the first command prints ${one ? "it" : "them"} as \`NAME=value\`) and set ${one ? "it" : "each"} with \`gh variable set\`; a value that names the VM (its IP, a loopback address) must name the new public URL instead. A new value takes effect with the next build.`,
      commands: [
        plainSettingsCommand(host, built, envFiles, units),
        ...built.map(
          (n) => `gh variable set ${n} --repo ${ctx.inventory.target.github ?? "OWNER/REPO"} --body 'VALUE'`,
        ),
      ],
      files: [],
    });
  }
  // A migration whose owner is held waits with it (the workflow's Hold step says so).
  const all = migrations(ctx);
  const migrate = all.filter((m) => !m.job.held);
  const heldMigrations = all.filter((m) => m.job.held).map((m) => `\`${m.job.name}\` (with ${m.owner})`);
  const held = deployment.services.filter((s) => s.held);
  const holds = cutoverHolds(deployment);
  const waits = new Set(holds.map((h) => h.target.name));
  const canaried = deployment.services.filter((s) => rolloutStrategy(s) === "canary" && !s.held).map((s) => s.name);
  const publicApis = deployment.services
    .filter((s) => isPublicApi(s) && s.ingress === "all" && !s.held)
    .map((s) => s.name);
  const oneProcess = deployment.services
    .filter((s) => rolloutStrategy(s) === "canary" && s.singleInstance)
    .map((s) => s.name);
  steps.push({
    stage: "first-deploy",
    order: 10,
    title: "First deploy",
    body:
      `Push to \`${ctx.branch}\` (or *Run workflow*). The pipeline runs the tests, builds and pushes the images, ` +
      (migrate.length
        ? `runs the schema migrations to the end (${migrate.map((m) => `\`${m.job.name}\`: ${m.tool}`).join(", ")}), `
        : heldMigrations.length
          ? `holds the schema migrations ${heldMigrations.join(", ")} (they run the held service's code), `
          : "(no migration tool was recognised: add your migration command as a Cloud Run job step before the deploys in the workflow), ") +
      `then deploys every service; a first deploy goes straight to 100%, which is safe now because DNS still points at the VM. Then let the public services answer (the deployer cannot change IAM, by design).` +
      runOnceDeployText(once) +
      held
        .map(
          (t) =>
            ` Not ${t.name}: the deploy holds it and says why (${heldWhy(t).short}); until ${decisionsTaken([t])}, ${waits.has(t.name) ? `leave DNS on the VM: the cut-over waits for ${waitsFor(holds.filter((h) => h.target.name === t.name))}` : "it keeps running on the VM"}.`,
        )
        .join("") +
      deployment.services
        .filter((t) => !t.held)
        .map((t) => oneWriterNote(t))
        .filter(Boolean)
        .map((note) => ` ${note}`)
        .join(""),
    commands: [
      `git push origin ${ctx.branch}`,
      ...publicApis.map(
        (s) =>
          `gcloud run services add-iam-policy-binding ${s} --region=${region} --project=${project} --member=allUsers --role=roles/run.invoker`,
      ),
    ],
    files: [CICD_PATHS.workflow, CICD_PATHS.canary],
  });
  const queues = queuesView(deployment);
  const heldQueues = deployment.queues.filter((q) => deployment.services.some((t) => t.held && t.name === q.target));
  const queuesHeld = heldQueues.length
    ? ` Not ${heldQueues.map((q) => `\`${q.name}\``).join(", ")}: ${heldQueues.length === 1 ? "it pushes" : "they push"} to ${[...new Set(heldQueues.map((q) => q.target))].join(", ")}, which the deploy holds; rerun infra-migrate once its decision is taken.`
    : "";
  if (!queues && heldQueues.length)
    steps.push({
      stage: "first-deploy",
      order: 20,
      title: "Task queues: not yet",
      body: `No \`setup-queues.sh\` yet.${queuesHeld}`,
    });
  if (queues) {
    steps.push({
      stage: "first-deploy",
      order: 20,
      title: "Task queues",
      body: `\`setup-queues.sh\` creates ${queues.queues.map((q) => `\`${q.name}\``).join(", ")} with retries and rate limits, lets the API enqueue and makes each queue's identity the worker's only invoker. The workers must be deployed first.${queuesHeld}`,
      commands: script(CICD_PATHS.setupQueues),
      files: [CICD_PATHS.setupQueues],
    });
  }
  const waitingJobs = heldSchedules(deployment);
  const jobsHeld = waitingJobs.length
    ? ` Not ${waitingJobs.join("; ")}: ${waitingJobs.length === 1 ? "it would start, scale or call" : "they would start, scale or call"} a service the deploy holds; rerun infra-migrate once its decision is taken.`
    : "";
  if (!schedulesView(deployment) && waitingJobs.length)
    steps.push({
      stage: "first-deploy",
      order: 30,
      title: "Scheduled jobs: not yet",
      body: `No \`setup-schedules.sh\` yet.${jobsHeld}`,
    });
  if (schedulesView(deployment)) {
    steps.push({
      stage: "first-deploy",
      order: 30,
      title: "Scheduled jobs",
      body: `\`setup-schedules.sh\` creates the Cloud Scheduler jobs (the VM's cron and beat, and the warm window), once their targets are deployed.${jobsHeld}`,
      commands: script(CICD_PATHS.setupSchedules),
      files: [CICD_PATHS.setupSchedules],
    });
  }
  const lbHeld = deployment.loadBalancer && !deployedOnly(deployment).loadBalancer;
  if (lbHeld) {
    const backends = deployment.services.filter((s) => s.held && deployment.loadBalancer!.backends.includes(s.name));
    steps.push({
      stage: "first-deploy",
      order: 40,
      title: "Load balancer: not yet",
      body: `No \`setup-load-balancer.sh\` yet: the deploy holds ${backends.map(heldLabel).join(", ")}, a backend of the load balancer. Without ${backends.length === 1 ? "it" : "them"} the URL map would send ${backends.length === 1 ? "its" : "their"} paths to another service, and the DNS switch the load balancer serves waits for the same decision. Rerun infra-migrate once the decision is taken: the script comes with the cut-over.`,
    });
  }
  if (deployment.loadBalancer && !lbHeld) {
    const folders = deployment.loadBalancer.folderBuckets ?? [];
    steps.push({
      stage: "first-deploy",
      order: 40,
      title: "Load balancer and certificate",
      body: `\`setup-load-balancer.sh\` builds the HTTPS load balancer in front of ${deployment.loadBalancer.backends.map((b) => `\`${b}\``).join(", ")}${deployment.loadBalancer.cloudArmor ? ` with Cloud Armor in preview mode${deployment.loadBalancer.closedPaths?.length ? ` (except its rules for ${deployment.loadBalancer.closedPaths.map((c) => `\`${c.path}\``).join(", ")}, enforced at once: the VM's proxy already refused those paths to other clients)` : ""}` : ""}. Add the CNAME records it prints now: the certificate is issued while the VM still serves, so HTTPS works the moment DNS moves. Do not change the A records yet.${folders.length ? ` It also serves ${folders.map((f) => `\`${f.path}\``).join(", ")}, folders the VM's proxy served from disk, from public buckets behind backend buckets: copy each folder in from the VM (gcloud logged in there) before the DNS switch, and again after each change to it (a front end's new build).` : ""}`,
      commands: [
        ...script(CICD_PATHS.setupLoadBalancer, " --domain YOUR_DOMAIN"),
        ...folders.map(
          (f) => `gcloud storage rsync ${f.sourcePath} gs://${f.bucket}${f.path} --recursive --project=${project}`,
        ),
      ],
      files: [CICD_PATHS.setupLoadBalancer],
    });
  }
  // While a held service keeps the cut-over waiting there is no promotion yet (design's held-cutover.ts).
  const again = deployment.database ? everyReleaseJobs(once) : [];
  if ((db || migrate.length > 0 || again.length > 0) && waits.size === 0) {
    const schema = migrate.length
      ? ` Then run the migration jobs again, to the end, before any user traffic arrives (they only apply what is missing${deployment.services.some(isAiWorkerTarget) ? ", and recreate the AI worker's table the copy replaced" : ""}).`
      : "";
    const release = again.length
      ? ` Then run ${again.map((j) => `\`${j.job.name}\``).join(", ")} again, in that order: the release's steps act on the data, and the copy brought data they have not seen (the first deploy's run found an empty database).`
      : "";
    steps.push({
      stage: "cutover",
      order: 15,
      title: "Bring the copied database up to date",
      body:
        (db
          ? `The data now in Cloud SQL came from the VM. Run \`setup-database.sh\` again with the same \`--database\`: the promoted instance keeps its backups and point-in-time recovery, and the app's user is created again, with a new version of its URL secret, if the copy replaced it.`
          : "The data now in Cloud SQL came from the VM.") +
        schema +
        release +
        // What the deploy holds never ran: the cut-over does not claim it did.
        ([...heldMigrations, ...once.held.map((j) => `\`${j.job.name}\``)].length
          ? ` Not ${[...heldMigrations, ...once.held.map((j) => `\`${j.job.name}\``)].join(", ")}: ${heldMigrations.length + once.held.length === 1 ? "it runs" : "they run"} the code of a service the deploy holds, so ${heldMigrations.length + once.held.length === 1 ? "it has" : "they have"} not run on this database yet.`
          : ""),
      commands: [
        ...(db ? [`bash ${CICD_PATHS.setupDatabase} --database ${APP_DB}`] : []),
        ...[...migrate, ...again].map(
          (m) => `gcloud run jobs execute ${m.job.name} --region=${region} --project=${project} --wait`,
        ),
      ],
      files: db ? [CICD_PATHS.setupDatabase, CICD_PATHS.workflow] : [CICD_PATHS.workflow],
    });
  }
  steps.push(
    {
      stage: "verify",
      order: 30,
      title: "The pipeline's own safety net",
      body: canaried.length
        ? safetyNet(canaried, oneProcess, result)
        : publicApis.length
          ? `Push a small change and watch one deploy end to end: ${publicApis.map((s) => `\`${s}\``).join(", ")} ${publicApis.length > 1 ? "go" : "goes"} straight to the new revision once it is ready, with no canary (the locked files on ${publicApis.length > 1 ? "their shares" : "its share"} allow one writer); Cloud Run only routes to a revision that started, and the previous one stays listed for a rollback.`
          : "Push a small change and watch one deploy end to end: nothing here takes public traffic, so each service is deployed at once; Cloud Run only routes to a revision that started, and the previous one stays listed for a rollback.",
      files: [CICD_PATHS.workflow, CICD_PATHS.canary],
    },
    {
      stage: "rollback",
      order: 20,
      title: "A bad release",
      body: "Send all traffic of the service that misbehaves back to the revision that served before (list them to find its name). The VM is not involved.",
      // Every service, not only the canaried ones: a worker's bad release is rolled back the same way.
      commands: deployOrder(deployment.services)
        .filter((s) => s.kind !== "job" && !s.held)
        .reverse()
        .flatMap((s) => [
          `gcloud run revisions list --service=${s.name} --region=${region} --project=${project}`,
          previousRevisionCommand(s.name, region, project),
        ]),
      files: [CICD_PATHS.readme],
    },
  );
  return steps;
}

/** READ_DATABASE_URL and the like get the primary's URL: say so, the design plans no read replica. */
function replicaNote(stored: readonly string[]): string {
  const replicas = stored.filter((n) => /(^|_)(READ|READER|REPLICA|RO)_/.test(n));
  if (!replicas.length) return "";
  const names = replicas.map((n) => `\`${n}\``).join(", ");
  return ` ${names} ${replicas.length === 1 ? "holds" : "hold"} the primary's URL: the design adds no read replica, so reads go to the primary until you add a Cloud SQL read replica and point ${replicas.length === 1 ? "it" : "them"} at it.`;
}

/** The verify step's text: stepped canaries, and the apps that allow one process and switch at once. */
function safetyNet(publicApis: string[], oneProcess: string[], result: CicdResult): string {
  const list = (names: string[]) => names.map((s) => `\`${s}\``).join(", ");
  const stepped = publicApis.filter((s) => !oneProcess.includes(s));
  const parts = [
    ...(stepped.length
      ? [
          `${list(stepped)} now ${stepped.length > 1 ? "go" : "goes"} through the canary (${result.canarySteps.join("% → ")}%, ${result.bakeSeconds} s at each step)`,
        ]
      : []),
    ...(oneProcess.length
      ? [
          `${list(oneProcess)}, which run as one instance only, ${oneProcess.length > 1 ? "take" : "takes"} 100% at once once ${oneProcess.length > 1 ? "their" : "its"} tagged URL answers (${result.bakeSeconds} s of bake after it)`,
        ]
      : []),
  ];
  return `Push a small change: ${parts.join("; ")} and ${publicApis.length > 1 ? "roll" : "rolls"} back by itself when the health check fails or the new revision's share of 5xx answers or its latency breaks the gate (read from Cloud Monitoring at each step). Watch one deploy end to end before you rely on it.`;
}

/**
 * `setup-secrets.sh --from-vm`, with the env files and units it reads values from: none when only
 * secret files come from the VM, a PATH to fill in when values must be read and the inventory names
 * no file (the script refuses --from-vm without one then).
 */
function fromVmCommand(host: string, readsEnv: boolean, envFiles: string[], units: string[]): string {
  const sources = readsEnv ? [...envFiles.map((f) => `--env-file ${f}`), ...units.map((u) => `--unit ${u}`)] : [];
  if (readsEnv && sources.length === 0) sources.push("--env-file /PATH/OF/THE/ENV_FILE");
  return [`bash ${CICD_PATHS.setupSecrets} --from-vm USER@${host}`, ...sources].join(" ");
}
