// Offline rules, the phase definition, its prompt and persona.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePersona } from "../../../src/personas/persona.js";
import { cicdPhase, cicdResultSchema } from "../../../src/phases/cicd/index.js";
import { SAFE_TEST_COMMAND } from "../../../src/phases/cicd/schema.js";
import { phaseMeta } from "../../../src/phases/registry.js";
import { chooseBakeSeconds, chooseTestCommand } from "../../../src/phases/cicd/offline.js";
import {
  chooseRuntimeVersion,
  defaultTestCommand,
  detectStack,
  supportedVersion,
} from "../../../src/phases/cicd/runtime.js";
import { findShellcheck, shellcheckArtifact } from "../../../src/validate/shellcheck.js";
import { ROOT, seedInput, seedInventory } from "./fixtures.js";

describe("cicd offline rules", () => {
  it.each([
    ["pytest -q", "python", "pytest -q"],
    ["npm run test:unit", "node", "npm run test:unit"],
    ["pytest ${{ github.event.head_commit.message }}", "python", "pytest"],
    ["make test && curl x | sh", "python", "pytest"],
    ["./run-tests.sh", "node", "npm test"],
    [undefined, "node", "npm test"],
    ["python manage.py test", "python", "python manage.py test"],
    ["bundle exec rspec", "ruby", "bundle exec rspec"],
    [undefined, "ruby", "bundle exec rake"],
    [undefined, "go", "go test ./..."],
    [undefined, "java", "mvn -B verify"],
    // Another spelling of an admitted runner is that runner (a Symfony team's `php bin/phpunit`),
    // not the stack's default; with an environment assignment in front it is not guessed.
    ["php bin/phpunit", "php", "bin/phpunit"],
    ["php8.3 ./vendor/bin/phpunit --testsuite unit", "php", "vendor/bin/phpunit --testsuite unit"],
    ["APP_ENV=test php bin/phpunit", "php", "vendor/bin/phpunit"],
  ] as const)("declared %s on %s -> %s", (declared, stack, expected) => {
    const inventory = seedInventory();
    inventory.deploy.testCommand = declared;
    expect(chooseTestCommand(inventory, stack)).toBe(expected);
  });

  // A Django app run with plain pytest fails on the first push (no settings module); pytest-django
  // apps say so in their config. Repositories as the healthchecks, NetBox and pytest-django layouts.
  it.each([
    [{ "manage.py": "", "requirements.txt": "Django\n" }, "python manage.py test"],
    [{ "netbox/manage.py": "", "requirements.txt": "Django\n" }, "python netbox/manage.py test"],
    [{ "manage.py": "", "pyproject.toml": "[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = 'x'\n" }, "pytest"],
    // pytest 9's native table, and a dotted key that names no header at all.
    [{ "manage.py": "", "pyproject.toml": '[tool.pytest]\nminversion = "9.0"\n' }, "pytest"],
    [{ "manage.py": "", "pyproject.toml": "[tool]\npytest.ini_options.addopts = '-q'\n" }, "pytest"],
    [{ "manage.py": "", "pyproject.toml": "[tool.ruff]\nline-length = 100\n" }, "python manage.py test"],
    [{ "manage.py": "", "setup.cfg": "[tool:pytest]\naddopts = -q\n" }, "pytest"],
    [{ "manage.py": "", "conftest.py": "" }, "pytest"],
    [{ "requirements.txt": "flask\n" }, "pytest"],
    // No repository to read: the inventory's framework decides.
    [{}, "python manage.py test"],
  ] as const)("python repo %j -> %s", (files, expected) => {
    const dir = mkdtempSync(path.join(tmpdir(), "im-testcmd-"));
    try {
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
      }
      const inventory = seedInventory();
      inventory.deploy.testCommand = undefined;
      const web = inventory.services.find((s) => s.role === "web")!;
      web.framework = "django";
      expect(chooseTestCommand(inventory, "python", dir)).toBe(expected);
      expect(SAFE_TEST_COMMAND.test(expected)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ["Ubuntu 22.04", "3.11"], // the VM's 3.10 is past end of life: the nearest supported release
    ["Ubuntu 24.04 LTS", "3.12"],
    ["Debian 12 (bookworm)", "3.11"],
    ["Ubuntu 20.04", "3.11"],
    [undefined, "3.12"],
  ])("python for %s -> %s", (os, version) => {
    const inventory = seedInventory();
    inventory.host.os = os;
    expect(chooseRuntimeVersion("python", inventory)).toBe(version);
  });

  it.each([
    ["node", "20", "22"],
    ["node", "24", "24"],
    ["ruby", "3.2", "3.3"],
    ["ruby", "3.4.1", "3.4"],
    ["php", "8.1", "8.3"],
    ["java", "11", "17"],
    ["java", "21", "21"],
    ["go", "1.22", "1.26"],
    ["python", "3.13", "3.13"],
    ["python", "3.99", "3.15"],
  ] as const)("%s %s -> supported %s", (stack, current, expected) => {
    expect(supportedVersion(stack, current)).toBe(expected);
  });

  // No Dockerfile is planned for a plain Gradle app (no Spring Boot plugin), yet its tests need the Java it declares.
  it.each([
    ["sourceCompatibility = JavaVersion.VERSION_21\n", "21"],
    ["java { toolchain { languageVersion = JavaLanguageVersion.of(25) } }\n", "25"],
    ["plugins { id 'java' }\n", "17"],
  ])("a Gradle build with %j and no image tests on Java %s", (gradle, version) => {
    const dir = mkdtempSync(path.join(tmpdir(), "im-java-"));
    try {
      writeFileSync(path.join(dir, "build.gradle"), gradle);
      const inventory = seedInventory();
      inventory.services = inventory.services.map((s) =>
        s.role === "web" || s.role === "worker"
          ? { ...s, software: "java", command: "java -jar app.jar", runtime: "java" as const }
          : s,
      );
      expect(chooseRuntimeVersion("java", inventory, dir)).toBe(version);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ["uvicorn", "uvicorn app:app", "python"],
    ["puma", "bundle exec puma", "ruby"],
    ["php-fpm", "php-fpm", "php"],
    ["java", "java -jar app.jar", "java"],
    ["node", "node server.js", "node"],
    ["golang", "/usr/local/bin/app serve", "go"],
  ] as const)("stack of %s -> %s", (software, command, stack) => {
    const inventory = seedInventory();
    inventory.services = inventory.services.map((s) =>
      s.role === "web" || s.role === "worker" ? { ...s, software, command } : s,
    );
    expect(detectStack(inventory)).toBe(stack);
  });

  // A binary named after the app says nothing; the `runtime` init read off the VM does.
  it.each(["go", "node", "ruby", "php", "java"] as const)(
    "a process named after the app, with runtime %s, gets that stack and its own test command",
    (runtime) => {
      const inventory = seedInventory();
      inventory.services = inventory.services.map((s) =>
        s.role === "web" || s.role === "worker"
          ? { ...s, software: "linkr", command: "/usr/local/bin/linkr", runtime }
          : s,
      );
      expect(detectStack(inventory)).toBe(runtime);
      expect(defaultTestCommand(detectStack(inventory))).not.toMatch(/pytest/);
    },
  );

  it.each([
    [40, 10, 60],
    [2, 10, 120],
    [0.5, 1, 300],
  ])("peak %s rps x%s -> bake %s s", (peakRps, growth, bake) => {
    const inventory = seedInventory();
    inventory.traffic = { ...inventory.traffic, peakRps, growth };
    expect(chooseBakeSeconds(inventory)).toBe(bake);
  });

  it("answers the seed with a schema-valid result", () => {
    const input = seedInput();
    const result = cicdPhase.offline(input);
    expect(cicdResultSchema.parse(result)).toEqual(result);
    expect(result).toMatchObject({
      canarySteps: [10, 50, 100],
      testCommand: "pytest -q",
      runtimeVersion: "3.11",
      notifyOnSuccess: true,
    });
    expect(cicdPhase.summarize!(result, input)).toBe(
      "canary 10/50/100% with 60s bake, tests: pytest -q, Slack on failure and success",
    );
  });

  it("is registered with its persona, after design", () => {
    const meta = phaseMeta("cicd");
    expect([meta.id, meta.personaId, meta.dependsOn]).toEqual(["cicd", "devops-security-engineer", ["design"]]);
  });

  it("fails clearly without a design result", () => {
    expect(() => cicdPhase.offline(seedInput({ upstream: {} }))).toThrow(/no valid `deployment`/);
  });

  it("builds a prompt with the design's services and the test-command pattern", async () => {
    const prompt = await cicdPhase.buildPrompt(seedInput());
    expect(prompt).toContain("web-app-prod: api, ingress all, health path /healthz");
    expect(prompt).toContain("web-app-prod-worker: worker, ingress internal");
    expect(prompt).toContain("^(pytest|");
  });

  it("has a persona with the expected front matter", () => {
    const file = path.join(ROOT, "personas/devops-security-engineer.md");
    const persona = parsePersona(readFileSync(file, "utf8"), file);
    expect([persona.id, persona.version, persona.phase]).toEqual(["devops-security-engineer", "1.0.0", "cicd"]);
    expect(persona.body.length).toBeGreaterThan(500);
  });
});

const shellcheckPath = await findShellcheck();
if (!shellcheckPath) console.warn("shellcheck is not on PATH: skipping generated-script ShellCheck (CI installs it)");

describe("generated shell scripts", () => {
  it.skipIf(!shellcheckPath)("every generated shell script is ShellCheck-clean", async () => {
    const input = seedInput();
    const shells = (await cicdPhase.render(cicdPhase.offline(input), input)).filter((a) => a.kind === "shell");
    expect(shells.map((a) => a.path)).toEqual([
      "scripts/deploy/canary.sh",
      "scripts/setup-wif.sh",
      "scripts/setup-secrets.sh",
      "scripts/lib/vm-settings.sh",
    ]);
    for (const artifact of shells) expect(await shellcheckArtifact(artifact.path, artifact.content)).toEqual([]);
  });
});
