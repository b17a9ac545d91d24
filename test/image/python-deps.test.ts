// Python manifests as the image installs them, on the shapes real repositories use (each case
// names its source): PEP 621 arrays on one line or many, optional dependencies as a table or an
// inline table, comments with quotes, Poetry's main dependencies, groups (dev ones left out) and
// extras, PEP 735 dependency groups with uv's default groups, Pipfile's [packages] alone. A file
// that is not valid TOML is read line by line as before, and the Dockerfile says so.
import { afterAll, describe, expect, it } from "vitest";
import { checkImageBuild } from "../../src/image/build-check.js";
import { pythonImage } from "../../src/image/python-image.js";
import { type PythonManifest, pythonManifest } from "../../src/image/python-deps.js";
import { openRepo } from "../../src/image/repo.js";
import { projectScripts, setupPyScripts } from "../../src/image/python-project.js";
import { declaredVersion } from "../../src/image/runtime-versions.js";
import type { Service } from "../../src/inventory/schema.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("im-pydeps-");
afterAll(() => trees.removeAll());
const repoOf = (files: Record<string, string>) => openRepo(trees.makeSync(files));

// FastAPI's full-stack template before it moved to uv (fastapi/full-stack-fastapi-template@0171dd6,
// backend/pyproject.toml), trimmed: inline tables with extras, a comment, a dev group.
const FASTAPI_POETRY = `[tool.poetry]
name = "app"
[tool.poetry.dependencies]
python = "^3.10"
uvicorn = {extras = ["standard"], version = "^0.24.0.post1"}
fastapi = "^0.109.1"
gunicorn = "^21.2.0"
alembic = "^1.12.1"
psycopg = {extras = ["binary"], version = "^3.1.13"}
# Pin bcrypt until passlib supports the latest
bcrypt = "4.0.1"
[tool.poetry.group.dev.dependencies]
pytest = "^7.4.3"
mypy = "^1.8.0"
[tool.mypy]
strict = true
`;

// A Django app whose server and driver live in a `prod` group (OffeneWerkstattMainz/bieterrunde@f8ed542).
const POETRY_PROD_GROUP = `[tool.poetry]
name = "bieterrunde"
[tool.poetry.dependencies]
python = "^3.10"
django = "^5.0.3"
httpx = "^0.27.0"
[tool.poetry.group.dev.dependencies]
black = "^24.3.0"
pytest-django = "^4.8.0"
[tool.poetry.group.prod.dependencies]
gunicorn = "^21.2.0"
psycopg2 = "^2.9.9"
[tool.poetry.group.docs]
optional = true
[tool.poetry.group.docs.dependencies]
sphinx = "^7"
[tool.poetry.group.ml]
optional = true
[tool.poetry.group.ml.dependencies]
torch = "^2"
`;

// Poetry's own optional dependencies and the extras that name them.
const POETRY_EXTRAS = `[tool.poetry.dependencies]
python = "^3.12"
flask = "^3"
psycopg2 = { version = "^2.9", optional = true }
mysqlclient = { version = "^2.2", optional = true }
[tool.poetry.extras]
pg = ["psycopg2"]
mysql = ["mysqlclient"]
`;

// PEP 735 groups as uv writes them, with include-group (test/fixtures/real/paperless-ngx, trimmed).
const UV_DEV_GROUPS = `[project]
name = "paperless-ngx"
dependencies = ["celery[redis]~=5.6.2", "django~=5.2.13"]
[project.optional-dependencies]
postgres = ["psycopg[c,pool]==3.3"]
webserver = ["granian[uvloop]~=2.7.0"]
[dependency-groups]
dev = [{ include-group = "lint" }, { include-group = "testing" }]
lint = ["ruff~=0.16.1"]
testing = ["daphne", "pytest~=9.1.1"]
`;

// uv's default groups set to a production group and dev (codecov/umbrella's shape), and one the
// file does not define (uv sync --group would fail on it).
const UV_DEFAULT_GROUPS = `[project]
name = "umbrella"
dependencies = []
[tool.uv]
default-groups = ["prod", "dev", "gone"]
[dependency-groups]
shared = ["django>=5", "celery>=5"]
prod = [{ include-group = "shared" }, "gunicorn>=23"]
dev = [{ include-group = "shared" }, "pytest>=8"]
`;

// Pipenv's documented example (pypa/pipenv docs/pipfile.md) with quoted keys, scripts and dev packages.
const PIPFILE = `[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
Django = "==4.*"
"psycopg2-binary" = "*"
waitress = {version = "*", markers="sys_platform == 'win32'"}
gunicorn = {version = "*", markers="sys_platform == 'linux'"}

[dev-packages]
pytest-cov = "*"
werkzeug = "*"

[requires]
python_version = "3.12"

[scripts]
server = "python manage.py runserver"
`;

const sorted = (names: string[]) => [...names].sort();

describe("pythonManifest on real-world shapes", () => {
  it.each<[string, Record<string, string>, Partial<PythonManifest>]>([
    [
      "PEP 621 dependencies on one line (bare pyproject)",
      { "pyproject.toml": '[project]\nname = "api"\ndependencies = ["fastapi>=0.110", "uvicorn[standard]"]\n' },
      { manager: "pyproject", packages: ["fastapi", "uvicorn"], extras: {}, groups: [] },
    ],
    [
      "optional dependencies on one line, and a comment with quotes",
      {
        "pyproject.toml":
          '[project]\nname = "api"\ndependencies = [\n  "django>=5",  # "flask" was dropped\n]\n[project.optional-dependencies]\nserver = ["gunicorn>=23"]\npg = ["psycopg[binary]>=3", "psycopg-pool"]\n',
      },
      { packages: ["django"], extras: { server: ["gunicorn"], pg: ["psycopg", "psycopg-pool"] } },
    ],
    [
      "optional dependencies as an inline table inside [project]",
      {
        "pyproject.toml":
          '[project]\nname = "api"\ndependencies = ["starlette"]\noptional-dependencies = { web = ["granian"] }\n',
      },
      { packages: ["starlette"], extras: { web: ["granian"] } },
    ],
    [
      "a hatch environment's dependencies are not the project's",
      {
        "pyproject.toml":
          '[project]\nname = "api"\nversion = "1"\n[tool.hatch.envs.default]\ndependencies = [\n  "pytest",\n]\n',
      },
      { manager: "pyproject", packages: [] },
    ],
    [
      "Poetry: main dependencies with inline tables, the dev group left out",
      { "pyproject.toml": FASTAPI_POETRY, "poetry.lock": "" },
      {
        manager: "poetry",
        packages: sorted(["uvicorn", "fastapi", "gunicorn", "alembic", "psycopg", "bcrypt"]),
        groups: [],
      },
    ],
    [
      "Poetry: a non-optional production group is installed, dev and optional groups are not",
      { "pyproject.toml": POETRY_PROD_GROUP, "poetry.lock": "" },
      { packages: sorted(["django", "httpx", "gunicorn", "psycopg2"]), groups: ["prod"] },
    ],
    [
      "Poetry: optional dependencies only through [tool.poetry.extras]",
      { "pyproject.toml": POETRY_EXTRAS, "poetry.lock": "" },
      { packages: ["flask"], extras: { pg: ["psycopg2"], mysql: ["mysqlclient"] } },
    ],
    [
      "uv: dependency groups (dev including others) stay out",
      { "pyproject.toml": UV_DEV_GROUPS, "uv.lock": "" },
      {
        manager: "uv",
        packages: ["celery", "django"],
        extras: { postgres: ["psycopg"], webserver: ["granian"] },
        groups: [],
      },
    ],
    [
      "uv: a default production group with include-group is installed",
      { "pyproject.toml": UV_DEFAULT_GROUPS, "uv.lock": "" },
      { packages: sorted(["django", "celery", "gunicorn"]), groups: ["prod"] },
    ],
    [
      "Pipfile: [packages] only (not [[source]] name, [dev-packages] or [scripts])",
      { Pipfile: PIPFILE, "Pipfile.lock": "{}" },
      { manager: "pipenv", packages: sorted(["django", "psycopg2-binary", "waitress", "gunicorn"]) },
    ],
  ])("%s", (_name, files, expected) => {
    const m = pythonManifest(repoOf(files), "")!;
    const got = { ...m, packages: sorted(m.packages) };
    expect(got).toMatchObject(expected);
    expect(m.warning).toBeUndefined();
  });

  it("reads a file that is not valid TOML line by line, and says where it broke", () => {
    const broken = '[project]\nname = "api"\ndependencies = [\n  "django>=5",\n  "gunicorn"\n  "celery",\n]\n';
    const m = pythonManifest(repoOf({ "pyproject.toml": broken, "uv.lock": "" }), "")!;
    expect(m.packages).toEqual(["django", "gunicorn", "celery"]);
    expect(m.warning).toMatch(/^pyproject\.toml:6:\d+: not valid TOML \(.+\): its dependencies were read line by line/);
    const pipfile = pythonManifest(repoOf({ Pipfile: "[packages]\nflask = *\n", "Pipfile.lock": "{}" }), "")!;
    expect(pipfile.packages).toEqual(["flask"]);
    expect(pipfile.warning).toMatch(/^Pipfile:2:\d+: not valid TOML/);
  });

  it("reads the declared Python from the parsed tables, by line when the file is broken", () => {
    const version = (files: Record<string, string>) => declaredVersion("python", repoOf(files), "");
    expect(version({ "pyproject.toml": FASTAPI_POETRY })).toMatchObject({ min: "3.10" });
    // `python = ` in another tool's table is not Poetry's Python.
    expect(version({ "pyproject.toml": '[tool.other]\npython = "3.9"\n[project]\nname = "x"\n' })).toBeUndefined();
    expect(version({ Pipfile: PIPFILE })).toMatchObject({ min: "3.12", source: "Pipfile python_version" });
    expect(version({ "pyproject.toml": '[project\nrequires-python = ">=3.13"\n' })).toMatchObject({ min: "3.13" });
  });
});

describe("the image installs what the manifest declares", () => {
  const svc = (name: string, role: Service["role"], command: string): Service =>
    ({ name, role, software: "python", runtime: "python", dependsOn: [], env: [], listen: [], command }) as Service;
  const image = (files: Record<string, string>, command: string) => {
    const repo = repoOf(files);
    const built = pythonImage({
      repo,
      appName: "app",
      runtime: "python",
      dockerfile: "Dockerfile",
      processes: [svc("web", "web", command)],
    });
    const argv = Object.entries(built.argv).map(([name, a]) => ({ name, argv: a.ok ? a.argv : [] }));
    expect(checkImageBuild(built.content!, repo, argv)).toEqual([]);
    return built.content!;
  };

  // Odoo (odoo/odoo setup.py): `scripts=['setup/odoo']`; its Debian package's unit runs /usr/bin/odoo.
  const ODOO_SETUP = `from setuptools import find_packages, setup
setup(
    name='odoo',
    scripts=['setup/odoo'],
    packages=find_packages(),
)
`;
  it("installs the project itself when a process runs a command its packaging declares", () => {
    const files = {
      "requirements.txt": "psycopg2==2.9.9\n",
      "setup.py": ODOO_SETUP,
      "setup/odoo": "#!/usr/bin/env python3\n",
    };
    const text = image(files, "/usr/bin/odoo --config /etc/odoo/odoo.conf");
    expect(text).toMatch(/^COPY \. \.\nRUN \/opt\/venv\/bin\/pip install --no-deps \.$/m);
    expect(text).toMatch(/commands its processes run \(odoo\)/);
    // Without the declaration the build check names the missing program; no install of the project either.
    const repo = repoOf({ "requirements.txt": "psycopg2==2.9.9\n", "setup/odoo": "" });
    const bare = pythonImage({
      repo,
      appName: "app",
      runtime: "python",
      dockerfile: "Dockerfile",
      processes: [svc("web", "web", "/usr/bin/odoo")],
    });
    expect(bare.content).not.toMatch(/--no-deps/);
    expect(checkImageBuild(bare.content!, repo, [{ name: "web", argv: ["odoo"] }])).toContain(
      "web: odoo is not installed in the image (not in the virtualenv or the base image)",
    );
    // A process that runs a program the requirements bring (gunicorn) installs no project.
    expect(image({ ...files, "requirements.txt": "gunicorn\n", "app.py": "" }, "gunicorn app:app")).not.toMatch(
      /--no-deps/,
    );
  });

  it("reads setup.py's scripts and console_scripts, and pyproject's [project.scripts]", () => {
    expect(setupPyScripts(ODOO_SETUP)).toEqual(["odoo"]);
    expect(setupPyScripts("setup(entry_points={'console_scripts': ['tool = pkg.cli:main', 'other=pkg:x']})")).toEqual([
      "tool",
      "other",
    ]);
    // A commented-out line declares nothing.
    expect(setupPyScripts("#    scripts=['bin/x'],\nsetup()")).toEqual([]);
    const repo = repoOf({ "pyproject.toml": '[project]\nname = "x"\n[project.scripts]\nxctl = "x.cli:main"\n' });
    expect(projectScripts(repo, "")).toEqual(["xctl"]);
  });

  it("Poetry exports the production group, so its gunicorn and driver are in the image", () => {
    const text = image(
      { "pyproject.toml": POETRY_PROD_GROUP, "poetry.lock": "", "config/wsgi.py": "" },
      "gunicorn config.wsgi -b :8000",
    );
    expect(text).toMatch(/poetry export --only main,prod --without-hashes/);
    // gunicorn comes from the group: no separate install, and libpq for psycopg2 in the runtime stage.
    expect(text).not.toMatch(/pip install gunicorn/);
    expect(text).toMatch(/install -y --no-install-recommends libpq5/);
  });

  it("uv names the groups it installs instead of taking the default ones", () => {
    const prod = image({ "pyproject.toml": UV_DEFAULT_GROUPS, "uv.lock": "", "app/wsgi.py": "" }, "gunicorn app.wsgi");
    expect(prod).toMatch(/uv sync --frozen --no-default-groups --group prod --no-install-project/);
    expect(prod).not.toMatch(/pip install gunicorn/);
    const plain = image(
      { "pyproject.toml": UV_DEV_GROUPS, "uv.lock": "", "paperless/__init__.py": "" },
      "celery -A paperless worker",
    );
    expect(plain).toMatch(/uv sync --frozen --no-default-groups --no-install-project/);
  });

  it("a one-line dependency array brings its server: no second install of uvicorn", () => {
    const files = {
      "pyproject.toml": '[project]\nname = "api"\ndependencies = ["fastapi>=0.110", "uvicorn[standard]"]\n',
      "main.py": "",
    };
    expect(image(files, "uvicorn main:app --port 8000")).not.toMatch(/pip install uvicorn/);
  });

  it("a broken manifest is said so in the Dockerfile", () => {
    const text = image(
      { "pyproject.toml": '[project]\nname = "api"\ndependencies = [\n  "gunicorn"\n  "flask",\n]\n', "app.py": "" },
      "gunicorn app:app",
    );
    expect(text).toMatch(/^# Check the install: pyproject\.toml:5:\d+: not valid TOML .*line by line/m);
  });
});

describe("the image's Python release, against the one the VM runs", () => {
  const web = { name: "web", role: "web", software: "gunicorn", runtime: "python", dependsOn: [], env: [], listen: [] };
  const from = (files: Record<string, string>, osPython?: string) =>
    /^FROM python:(\S+?)-/m.exec(
      pythonImage({
        repo: repoOf(files),
        appName: "app",
        runtime: "python",
        dockerfile: "Dockerfile",
        processes: [{ ...web, command: "gunicorn app.wsgi" } as Service],
        ...(osPython ? { osPython } : {}),
      }).content!,
    )?.[1];
  it.each([
    // Tandoor: Django 5.2 allows 3.10 (past support: 3.11), the VM's Ubuntu 24.04 runs 3.12: 3.12.
    [{ "requirements.txt": "Django==5.2.15\ngunicorn\n", "app/wsgi.py": "" }, "3.12", "3.12"],
    [{ "requirements.txt": "Django==5.2.15\ngunicorn\n", "app/wsgi.py": "" }, undefined, "3.11"],
    // A declared floor above the VM's wins (NetBox's >=3.12 on Ubuntu 22.04's 3.10).
    [
      {
        "pyproject.toml": '[project]\nrequires-python = ">=3.12"\n',
        "requirements.txt": "gunicorn\n",
        "app/wsgi.py": "",
      },
      "3.10",
      "3.12",
    ],
    // The VM's release past the app's upper bound: the bound holds.
    [
      {
        "pyproject.toml": '[project]\nrequires-python = ">=3.11,<3.12"\n',
        "requirements.txt": "gunicorn\n",
        "app/wsgi.py": "",
      },
      "3.12",
      "3.11",
    ],
  ])("%j on %s -> %s", (files, osPython, want) => {
    expect(from(files, osPython)).toBe(want);
  });
});
