// Every malformed inventory fails with one InputError (exit 2) that names file:line:col, the key
// path and a hint. The expected line is marked in each fixture with `# <-`, so the table below
// cannot drift from the files; JSON and generated inputs give their line explicitly.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExitCode, InputError } from "../../src/errors.js";
import { loadInventory, parseInventory } from "../../src/inventory/load.js";

const BAD = "test/fixtures/inventories/bad";

interface Case {
  fixture: string;
  /** Key path in the message; omitted for syntax errors, which have none. */
  path?: string;
  message: string | RegExp;
  /** Text on the marked line where the column must point. */
  at?: string;
  /** Explicit position when the file cannot carry a marker. */
  line?: number;
  column?: number;
}

const CASES: Case[] = [
  // YAML syntax: yaml's own diagnosis and position.
  { fixture: "syntax-unclosed-flow.yaml", message: /end with a \]/ }, // reported on the line after the open `[`
  { fixture: "tab-indent.yaml", message: /Tabs are not allowed/, at: "\tname" },
  { fixture: "bad-indent.yaml", message: "Sequence item without - indicator", at: "   software" },
  { fixture: "duplicate-keys.yaml", message: /Map keys must be unique/, at: "role: worker" },
  { fixture: "two-documents.yaml", message: /multiple documents/, at: "---" },
  { fixture: "alias-bomb.yaml", message: /alias bomb/, at: "*a" },
  // Shape of the document.
  { fixture: "empty.yaml", message: "the file is empty", line: 1, column: 1 },
  { fixture: "comments-only.yaml", message: "only comments", at: "#" },
  { fixture: "top-level-list.yaml", message: "found a list", at: "- apiVersion" },
  { fixture: "top-level-scalar.yaml", message: "found a single value", at: "just" },
  // Wrong types at several depths.
  { fixture: "services-is-a-map.yaml", path: "services", message: "expected array, received object", at: "{ web" },
  { fixture: "name-is-a-number.yaml", path: "services[0].name", message: "expected string, received number", at: "42" },
  { fixture: "cpus-is-a-string.yaml", path: "host.cpus", message: "expected number", at: "four" },
  { fixture: "listen-is-a-string.yaml", path: "services[0].listen", message: "expected array", at: '"127' },
  { fixture: "latency-wrong-type.yaml", path: "llm.latencySeconds[1]", message: "expected number", at: "soon" },
  { fixture: "latency-min-over-max.yaml", path: "llm.latencySeconds", message: "min <= max", at: "[15" },
  { fixture: "host-is-a-list.yaml", path: "host", message: "expected object, received array", at: "[app" },
  { fixture: "null-service.yaml", path: "services[0]", message: "expected object, received null", at: "~" },
  { fixture: "negative-duration.yaml", path: "deploy.durationMinutes", message: "Too small", at: "-5" },
  { fixture: "fractional-engineers.yaml", path: "team.engineers", message: "expected int", at: "1.5" },
  // Missing required keys point at the parent mapping.
  {
    fixture: "missing-api-version.yaml",
    path: "apiVersion",
    message: 'missing required key `apiVersion`: expected "infra-migrate/v1"',
    at: "kind",
  },
  {
    fixture: "missing-metadata-name.yaml",
    path: "metadata.name",
    message: "missing required key `name`",
    at: "description",
  },
  {
    fixture: "missing-service-role.yaml",
    path: "services[1].role",
    message: "missing required key `role`: expected one of",
    at: "name: db",
  },
  { fixture: "missing-services.yaml", path: "services", message: "missing required key `services`", at: "apiVersion" },
  { fixture: "empty-services.yaml", path: "services", message: "at least one service", at: "[]" },
  // Bad values.
  {
    fixture: "wrong-api-version.yaml",
    path: "apiVersion",
    message: 'expected "infra-migrate/v1" (got "infra-migrate/v2")',
    at: "infra-migrate/v2",
  },
  { fixture: "wrong-kind.yaml", path: "kind", message: 'expected "Inventory"', at: "Inventroy" },
  {
    fixture: "bad-role.yaml",
    path: "services[0].role",
    message: /expected one of .*\(got "webserver"\)/,
    at: "webserver",
  },
  { fixture: "bad-backups.yaml", path: "data[0].backups", message: '(got "weekly")', at: "weekly" },
  {
    fixture: "listen-without-port.yaml",
    path: "services[1].listen[0]",
    message: 'expected "host:port"',
    at: '"localhost"',
  },
  { fixture: "port-zero.yaml", path: "services[0].listen[0]", message: "between 1 and 65535", at: '"127.0.0.1:0"' },
  { fixture: "port-70000.yaml", path: "services[1].listen[1]", message: "between 1 and 65535", at: "127.0.0.1:70000" },
  { fixture: "bad-cron.yaml", path: "services[2].schedule", message: "cron expression", at: "every" },
  { fixture: "bad-service-name.yaml", path: "services[1].name", message: "lowercase letters", at: "Db_Primary" },
  { fixture: "env-with-value.yaml", path: "services[0].env[1]", message: "variable name", at: '"DEBUG=1"' },
  { fixture: "bad-target-github.yaml", path: "target.github", message: 'expected "owner/repo"', at: "https" },
  { fixture: "bad-project-id.yaml", path: "target.project", message: "GCP project id", at: "Tiny_Prod" },
  { fixture: "bad-region.yaml", path: "target.region", message: "GCP region", at: "Central" },
  // Cross-checks.
  {
    fixture: "unknown-depends-on.yaml",
    path: "services[0].dependsOn[1]",
    message: "unknown service `cache`",
    at: "cache",
  },
  {
    fixture: "duplicate-service-names.yaml",
    path: "services[1].name",
    message: "duplicate service name `web`",
    at: "web",
  },
  {
    fixture: "port-clash.yaml",
    path: "services[1].listen[0]",
    message: "clashes with `127.0.0.1:8000` of service `web`",
    at: '"0.0.0.0',
  },
  { fixture: "cron-without-schedule.yaml", path: "services[2]", message: "needs a `schedule`", at: "name: cleanup" },
  {
    fixture: "dependency-cycle.yaml",
    path: "services[1].dependsOn[0]",
    message: "dependency cycle: web → db → web",
    at: "web",
  },
  {
    fixture: "route-bad-host.yaml",
    path: "services[0].routes[0].hosts[0]",
    message: 'expected a lower-case host name such as "api.example.org"',
    at: '"Shop',
  },
  { fixture: "self-dependency.yaml", path: "services[0].dependsOn[0]", message: "depends on itself", at: "web" },
  {
    fixture: "data-unknown-service.yaml",
    path: "data[0].service",
    message: "unknown service `postgres`",
    at: "postgres",
  },
  // JSON: strict JSON syntax, positions still line:col.
  { fixture: "json-trailing-comma.json", message: "Expected double-quoted property name", line: 4, column: 1 },
  { fixture: "json-wrong-type.json", path: "services[0].listen[0]", message: "between 1 and 65535", line: 6 },
];

async function expectedPosition(c: Case): Promise<{ line: number; column?: number }> {
  if (c.line !== undefined) return { line: c.line, column: c.column };
  const lines = (await readFile(path.join(BAD, c.fixture), "utf8")).split("\n");
  const index = lines.findIndex((l) => l.includes("# <-"));
  expect(index, `${c.fixture} needs a "# <-" marker`).toBeGreaterThanOrEqual(0);
  const column = c.at === undefined ? undefined : lines[index]!.indexOf(c.at) + 1;
  if (c.at !== undefined) expect(column, `"${c.at}" on the marked line of ${c.fixture}`).toBeGreaterThan(0);
  return { line: index + 1, column };
}

async function rejection(run: () => Promise<unknown>): Promise<InputError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe("malformed inventories", () => {
  it("has at least 35 fixture cases", () => expect(CASES.length).toBeGreaterThanOrEqual(35));

  it.each(CASES)("$fixture", async (c) => {
    const file = path.join(BAD, c.fixture);
    const error = await rejection(() => loadInventory(file));
    const { line, column } = await expectedPosition(c);
    expect(error.exitCode).toBe(ExitCode.badInput);
    expect(error.hint).toMatch(/examples\/seed-vm\/inventory\.yaml|infra-migrate init/);
    const issue = error.issues[0]!;
    expect(issue.file).toBe(file);
    expect(issue.line).toBe(line);
    if (column !== undefined) expect(issue.column).toBe(column);
    expect(issue.path).toBe(c.path);
    if (typeof c.message === "string") expect(issue.message).toContain(c.message);
    else expect(issue.message).toMatch(c.message);
    const where = `${file}:${line}:${issue.column}`;
    expect(error.message).toContain(c.path ? `${where} ${c.path}: ` : `${where}: `);
  });
});

describe("inputs generated on the fly", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "infra-migrate-inventory-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const GENERATED: { name: string; bytes: () => Buffer; message: RegExp; line: number; column: number }[] = [
    {
      name: "binary junk (NUL bytes)",
      bytes: () =>
        Buffer.concat([Buffer.from("apiVersion: infra-migrate/v1\nki"), Buffer.from([0x00, 0x01, 0xfe, 0x00])]),
      message: /NUL byte.*binary/,
      line: 2,
      column: 3,
    },
    {
      name: "invalid UTF-8 (Latin-1 text)",
      bytes: () =>
        Buffer.concat([
          Buffer.from("apiVersion: infra-migrate/v1\nkind: Inventory\nmetadata: { name: caf"),
          Buffer.from([0xe9, 0x20, 0x7d, 0x0a]),
        ]),
      message: /invalid UTF-8 \(byte 0xe9\)/,
      line: 3,
      column: 22,
    },
    {
      name: "10 MB file",
      bytes: () => Buffer.alloc(10 * 1024 * 1024, "# padding\n"),
      message: /10\.0 MiB.*at most 1 MiB/,
      line: 1,
      column: 1,
    },
  ];

  it.each(GENERATED)("$name", async (c) => {
    const file = path.join(dir, `${c.name.replace(/\W+/g, "-")}.yaml`);
    await writeFile(file, c.bytes());
    const error = await rejection(() => loadInventory(file));
    expect(error.exitCode).toBe(2);
    expect(error.hint).toBeTruthy();
    expect(error.issues[0]).toMatchObject({ file, line: c.line, column: c.column });
    expect(error.issues[0]!.message).toMatch(c.message);
    expect(error.message).toContain(`${file}:${c.line}:${c.column}: `);
  });

  it("a missing file says where it looked and suggests init", async () => {
    const file = path.join(dir, "nope", "infra-migrate.inventory.yaml");
    const error = await rejection(() => loadInventory(file));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`no inventory at ${file}`);
    expect(error.hint).toContain("infra-migrate init");
    expect(error.code).toBe("inventory.missing");
  });

  it("a directory is not an inventory", async () => {
    const error = await rejection(() => loadInventory(dir));
    expect(error.issues[0]!.message).toContain("is a directory");
  });

  it("parseInventory applies the same limits to text", async () => {
    const error = await rejection(async () => parseInventory("apiVersion: x\0", "inline.yaml"));
    expect(error.issues[0]).toMatchObject({ file: "inline.yaml", line: 1, column: 14 });
    const big = await rejection(async () => parseInventory("#".repeat(1024 * 1024 + 1), "big.yaml"));
    expect(big.code).toBe("inventory.too-large");
    expect(big.hint).toMatch(/NAMES, never values or data/);
  });
});

describe("every problem at once", () => {
  it("collects all issues, sorted by line", async () => {
    const text = [
      "apiVersion: infra-migrate/v1", // 1
      "kind: Inventory", // 2
      "metadata: { name: Bad_Name }", // 3
      "services:", // 4
      "  - name: web", // 5
      "    role: webserver", // 6
      "    software: uvicorn", // 7
      '    listen: ["127.0.0.1:0", "nope"]', // 8
      "target: { github: nope }", // 9
    ].join("\n");
    const error = await rejection(async () => parseInventory(text, "multi.yaml"));
    expect(error.issues.map((i) => [i.line, i.path])).toEqual([
      [3, "metadata.name"],
      [6, "services[0].role"],
      [8, "services[0].listen[0]"],
      [8, "services[0].listen[1]"],
      [9, "target.github"],
    ]);
    // One message per key: "nope" has no port, so the port-range check adds nothing.
    expect(error.issues[3]!.message).toContain('expected "host:port"');
  });
});
