// The Dockerfile for a Python app: the Python it declares, its own package manager and manifest
// (wherever it sits: an app in project/ installs project/requirements.txt), the web server its
// command runs (installed when the manifest lacks it), Django's collectstatic, a non-root user.
import path from "node:path";
import { renderTemplateSync } from "../render/templates.js";
import { APP_DIR, exampleNames, inImagePath } from "./app-root.js";
import { IMAGE_USERS } from "./image-user.js";
import type { ImageInput, RuntimeImage } from "./image-types.js";
import {
  neededExtras,
  normalise,
  type PythonManifest,
  pythonManifest,
  runtimeLibraries,
  SERVER_PACKAGE,
  venvPrograms,
} from "./python-deps.js";
import type { AppRepo } from "./repo.js";
import {
  compareVersions,
  type DeclaredVersion,
  declaredVersion,
  supportedVersion,
  versionNote,
} from "./runtime-versions.js";
import { planProcesses } from "./workdir.js";
import { INSTALL_PROJECT, projectScripts } from "./python-project.js";

const MANIFEST_FILES = ["requirements.txt", "pyproject.toml", "Pipfile", "uv.lock", "poetry.lock"];

const LABEL: Record<PythonManifest["manager"], string> = {
  uv: "uv.lock (uv sync)",
  poetry: "poetry.lock (poetry export, then pip)",
  pipenv: "Pipfile.lock (pipenv requirements, then pip)",
  pip: "requirements.txt (pip)",
  pyproject: "pyproject.toml [project] dependencies (uv pip, the app is not installed as a package)",
};

/**
 * uv installs its default groups (dev unless `tool.uv.default-groups` says otherwise) unless told
 * not to: the image names the groups it wants instead (https://docs.astral.sh/uv/reference/cli/#uv-sync).
 */
const uvGroups = (m: PythonManifest): string =>
  ["--no-default-groups", ...m.groups.map((g) => `--group ${g}`)].join(" ");

function installs(m: PythonManifest, extras: string[]): string[] {
  const at = (f: string) => (m.dir ? `${m.dir}/${f}` : f);
  const cd = m.dir ? `cd ${m.dir} && ` : "";
  const extra = extras.map((e) => ` --extra ${e}`).join("");
  switch (m.manager) {
    case "uv":
      return [
        `UV_PROJECT_ENVIRONMENT=/opt/venv uv sync --frozen ${uvGroups(m)} --no-install-project --project ${m.dir || "."}${extra}`,
      ];
    case "poetry":
      return [
        "pip install 'poetry>=2,<3' 'poetry-plugin-export>=1.8'",
        `${cd}poetry export --only ${["main", ...m.groups].join(",")} --without-hashes${extras.length ? ` --extras "${extras.join(" ")}"` : ""} -f requirements.txt -o /tmp/requirements.txt`,
        "/opt/venv/bin/pip install -r /tmp/requirements.txt",
      ];
    case "pipenv":
      return [
        "pip install 'pipenv>=2024.0'",
        `${cd}pipenv requirements > /tmp/requirements.txt`,
        "/opt/venv/bin/pip install -r /tmp/requirements.txt",
      ];
    case "pip":
      return [`/opt/venv/bin/pip install -r ${at("requirements.txt")}`];
    case "pyproject":
      return [`uv pip install --python /opt/venv/bin/python -r ${at("pyproject.toml")}${extra}`];
  }
}

/**
 * A pinned Django sets a floor the app does not write down: Django 6 needs Python 3.12, Django 5
 * needs 3.10 (docs.djangoproject.com/en/dev/faq/install/). Building older fails at pip install.
 */
function impliedByDjango(m: PythonManifest, repo: AppRepo): DeclaredVersion | undefined {
  const text = m.files.map((f) => repo.read(f) ?? "").join("\n");
  const major = Number(/^\s*django(?:\[[^\]]*\])?\s*(?:==|~=|>=)\s*(\d+)/im.exec(text)?.[1] ?? 0);
  if (major >= 6) return { min: "3.12", source: `Django ${major} in ${m.files[0]} needs Python 3.12 or later` };
  if (major === 5) return { min: "3.10", source: `Django 5 in ${m.files[0]} needs Python 3.10 or later` };
  return undefined;
}

/**
 * The throwaway SECRET_KEY the build imports the settings with: never used at run time, and long
 * enough for settings that refuse a key shorter than Django's 50 characters (NetBox's settings.py).
 */
export const BUILD_SECRET_KEY = "build-only-never-used-at-run-time-0123456789abcdefghij";
const keyLine = `SECRET_KEY = "${BUILD_SECRET_KEY}"`;

interface BuildSecret {
  /** The secret file's path in the image (/app/netbox/netbox/configuration.py). */
  file: string;
  /** Its example beside it in the repository, when there is one, as an image path. */
  example?: string;
  /** The example assigns SECRET_KEY itself (NetBox's `SECRET_KEY = ''`): the build's key goes after it. */
  setsKey: boolean;
}

/**
 * The secret files in the app's checkout (inventory secretFiles, mounted only at run time, kept
 * out of the build context by .dockerignore) and the example the repository holds beside each.
 */
function buildSecrets(input: ImageInput): BuildSecret[] {
  const { repo } = input;
  return Object.keys(input.mounts ?? {})
    .map((vm) => inImagePath(vm, input.root))
    .filter((p) => p.startsWith(`${APP_DIR}/`))
    .map((file) => {
      const rel = file.slice(APP_DIR.length + 1);
      const dir = path.posix.dirname(rel);
      const found = exampleNames(path.posix.basename(rel))
        .map((n) => (dir === "." ? n : `${dir}/${n}`))
        .find((n) => repo.exists(n));
      const setsKey = found !== undefined && file.endsWith(".py") && /^SECRET_KEY\s*=/m.test(repo.read(found) ?? "");
      return { file, ...(found ? { example: `${APP_DIR}/${found}` } : {}), setsKey };
    });
}

function collectWithExamples(secrets: BuildSecret[]): string {
  const named = secrets.map((f) => `${path.posix.basename(f.example!)} as ${f.file}`).join(", ");
  const key = secrets.some((f) => f.setsKey) ? ", with a throwaway SECRET_KEY" : "";
  return [
    "Django's static files are collected at build time. The settings may import secret files Cloud Run",
    "mounts only at run time: for this step alone the repository's examples stand in",
    `(${named}${key}),`,
    "removed in the same RUN so no layer keeps them (.dockerignore keeps the real files out).",
  ].join("\n# ");
}

export function pythonImage(input: ImageInput): RuntimeImage {
  const { repo } = input;
  const manifestDirs = MANIFEST_FILES.flatMap((f) => repo.foldersWith(f));
  const placed = planProcesses(input, [...manifestDirs, ...repo.foldersWith("manage.py")]);
  // The manifest in the working folder or the nearest one above it, else the shallowest.
  const up = (dir: string): string[] =>
    dir ? [dir, ...up(path.posix.dirname(dir) === "." ? "" : path.posix.dirname(dir))] : [""];
  const manifestDir =
    up(placed.workdirRel).find((d) => manifestDirs.includes(d)) ??
    [...manifestDirs].sort((a, b) => a.length - b.length)[0];
  const manifest = manifestDir !== undefined ? pythonManifest(repo, manifestDir) : undefined;
  if (!manifest)
    return {
      ...placed.image,
      notice: `No Python dependency manifest (requirements.txt, pyproject.toml, Pipfile) was found in the repository, so no Dockerfile was written: add one, or build with Google Cloud's buildpacks (gcloud run deploy --source .).`,
    };
  const declared = declaredVersion("python", repo, manifest.dir) ?? impliedByDjango(manifest, repo);
  // The app runs on the VM's Python today: a declared floor below it (Django 5.2 allows 3.10) does
  // not move the image back to an older release than the one it runs on (Ubuntu 24.04's 3.12).
  const os = input.osPython;
  const osWins =
    declared !== undefined &&
    os !== undefined &&
    compareVersions(os, declared.min) > 0 &&
    (!declared.below || compareVersions(os, declared.below) < 0);
  const version = supportedVersion("python", osWins ? os : (declared?.min ?? os), declared?.below);
  const note = versionNote(declared, version, {
    none: os ? `the VM's OS ships ${os}; the app declares none` : undefined,
    ...(osWins ? { gap: `the VM's OS ships ${os}, which the app runs on today` } : {}),
  });
  const runs = Object.values(placed.image.argv).flatMap((a) => (a.ok ? [a.argv[0]!] : []));
  const extras = neededExtras(manifest, input.databaseEngine, runs);
  const packages = [...manifest.packages, ...extras.flatMap((e) => manifest.extras[e] ?? [])];
  const steps = installs(manifest, extras);
  const programs = venvPrograms(packages);
  // A process that runs a command the project's own packaging declares (python-project.ts).
  const packaged = projectScripts(repo, manifest.dir);
  const ownScripts = [...new Set(runs.filter((r) => !programs.has(r) && packaged.includes(r)))];
  const server = placed.cmd?.[0];
  if (server && SERVER_PACKAGE[server] && !programs.has(server))
    steps.push(`/opt/venv/bin/pip install ${SERVER_PACKAGE[server]}`);
  const manifestText = manifest.files.map((f) => repo.read(f) ?? "").join("\n");
  const buildSteps: { why: string; run?: string }[] = [];
  const workdirRel = placed.workdirRel;
  const manage = repo.exists(path.posix.join(workdirRel, "manage.py"))
    ? "manage.py"
    : repo
        .foldersWith("manage.py")
        .map((d) => path.posix.relative(workdirRel, path.posix.join(d, "manage.py")))
        .find((p) => !p.startsWith(".."));
  if (packages.includes(normalise("django")) && manage) {
    const collect = `SECRET_KEY=${BUILD_SECRET_KEY} DJANGO_SECRET_KEY=${BUILD_SECRET_KEY} python ${manage} collectstatic --noinput`;
    // Python secret files are the settings' modules; one with no example cannot be imported at build.
    const missing = buildSecrets(input).filter((f) => !f.example && f.file.endsWith(".py"));
    const secrets = buildSecrets(input).filter((f) => f.example);
    if (missing.length)
      buildSteps.push({
        why: [
          `Django's static files are not collected here: the settings may import ${missing.map((f) => f.file).join(", ")},`,
          "a secret file Cloud Run mounts only at run time, and the repository holds no example of it to",
          `import at build (collecting here fails if they do). Add one beside it (then this step collects), or run`,
          `\`python ${manage} collectstatic --noinput\` where the file is mounted and serve STATIC_ROOT.`,
        ].join("\n# "),
      });
    else if (secrets.length === 0)
      buildSteps.push({
        why: "Django's static files are collected at build time (settings must import without a database).",
        run: collect,
      });
    else
      buildSteps.push({
        why: collectWithExamples(secrets),
        run: [
          ...secrets.flatMap((f) => [
            `cp ${f.example} ${f.file}`,
            ...(f.setsKey ? [`echo '${keyLine}' >> ${f.file}`] : []),
          ]),
          `${collect}; \\\n status=$?; rm -f ${secrets.map((f) => f.file).join(" ")}; exit $status`,
        ].join(" \\\n && "),
      });
  }
  const content = renderTemplateSync("image/Dockerfile.python.hbs", {
    app: input.appName,
    version,
    versionNote: note,
    manifestLabel: `${manifest.dir ? `${manifest.dir}/` : ""}${LABEL[manifest.manager]}`,
    manifestWarning: manifest.warning,
    uv: manifest.manager === "uv" || manifest.manager === "pyproject",
    manifests: manifest.files,
    installs: steps,
    ...(ownScripts.length
      ? {
          installProject: {
            scripts: ownScripts.join(", "),
            run: `${manifest.dir ? `cd ${manifest.dir} && ` : ""}${INSTALL_PROJECT}`,
          },
        }
      : {}),
    libs: runtimeLibraries(manifestText, packages).join(" "),
    workdir: placed.image.workdir,
    buildSteps,
    cmd: (placed.cmd ?? ["python"]).join(" "),
    user: IMAGE_USERS.python,
  });
  return { ...placed.image, content, version, versionNote: note, packageManager: manifest.manager };
}
