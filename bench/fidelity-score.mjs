// Scores an inventory that `init` wrote for a real app against the app's truth.yaml (written from
// its own documentation, test/fixtures/real/<app>/). Plain JS so both the fidelity test (on src)
// and bench/fidelity.mjs (on dist) use the same rules. It only compares; it never fixes.
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";

/** Every app of the corpus: { app, dir, truth }. */
export async function loadCorpus(corpusDir) {
  const apps = [];
  for (const entry of (await readdir(corpusDir, { withFileTypes: true })).filter((e) => e.isDirectory())) {
    const dir = path.join(corpusDir, entry.name);
    const truth = parse(await readFile(path.join(dir, "truth.yaml"), "utf8"));
    apps.push({ app: entry.name, dir, truth });
  }
  return apps.sort((a, b) => a.app.localeCompare(b.app));
}

/** `redash-worker@2.service` and `redash-worker@.service` are the same unit. */
const unitKey = (unit) => unit?.replace(/@[^.]*\.service$/, "@.service");
const squash = (text) => (text ?? "").replace(/\s+/g, " ");
const portsOf = (listen = []) => [...new Set(listen.map((l) => Number(l.slice(l.lastIndexOf(":") + 1))))].sort();
const sameSet = (a = [], b = []) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

function matches(want, service) {
  // `unit` and `runs` together: one of several processes one unit starts (`celery multi`'s nodes).
  if (want.unit)
    return (
      unitKey(service.systemdUnit) === unitKey(want.unit) && (!want.runs || squash(service.command).includes(want.runs))
    );
  if (want.runs) return squash(service.command).includes(want.runs);
  return service.software === want.software;
}

/** What differs between a truth entry and the service init found for it: ["role: worker ≠ other", …]. */
function differences(want, got) {
  const out = [];
  // `unseen`: fields of a process nothing on the VM shows (a pulled image's kind and port, named in
  // truth.yaml with the reason); the truth keeps what the docs say, and init's answer is not scored.
  const check = (key, ok, shown = got[key]) => {
    if (!ok && !(want.unseen ?? []).includes(key))
      out.push(`${key}: ${JSON.stringify(want[key])} ≠ ${JSON.stringify(shown ?? null)}`);
  };
  check("role", got.role === want.role);
  for (const key of ["runtime", "framework", "schedule", "sessionStore", "cacheStore"])
    if (want[key] !== undefined) check(key, got[key] === want[key]);
  if (want.longRunning !== undefined) check("longRunning", got.longRunning === want.longRunning);
  if (want.ports !== undefined) check("ports", sameSet(portsOf(got.listen), want.ports), portsOf(got.listen));
  if (want.protocols !== undefined) check("protocols", sameSet(got.protocols ?? [], want.protocols));
  // `invisible`: uses the app's code makes that no config or manifest shows (named in truth.yaml with
  // the reason); init may miss them, but may not claim a use the app does not have.
  if (want.usedFor !== undefined) {
    const required = want.usedFor.filter((u) => !(want.invisible ?? []).includes(u));
    const seen = got.usedFor ?? [];
    check("usedFor", required.every((u) => seen.includes(u)) && seen.every((u) => want.usedFor.includes(u)));
  }
  return out;
}

/**
 * Compares one inventory (as loaded) with one truth. Services: found (all fields right), wrong (found,
 * some field wrong), missed, invented (no truth entry, or a second service for one process). The
 * database engine and each storage path count the same way.
 */
export function scoreInventory(truth, inventory) {
  const rows = [];
  const used = new Set();
  for (const want of truth.services) {
    const candidates = inventory.services.filter((s) => !used.has(s) && matches(want, s));
    const got = candidates[0];
    if (!got) {
      rows.push({ item: want.name, verdict: "missed", details: [] });
      continue;
    }
    used.add(got);
    const details = differences(want, got);
    rows.push({ item: want.name, verdict: details.length ? "wrong" : "found", service: got.name, details });
    for (const extra of candidates.slice(1)) {
      used.add(extra);
      rows.push({ item: extra.name, verdict: "invented", details: [`a second service for ${want.name}`] });
    }
  }
  for (const s of inventory.services.filter((s) => !used.has(s)))
    rows.push({
      item: s.name,
      verdict: "invented",
      details: [`${s.role} ${s.software}${s.command ? `: ${s.command}` : ""}`],
    });

  const engine = inventory.data?.[0]?.engine ?? "none";
  // A file database (SQLite): its path on the VM must be found too, or the plan cannot move it.
  const filePath = inventory.data?.[0]?.path;
  const databaseDetails = [
    ...(engine === truth.database ? [] : [`engine: ${truth.database} ≠ ${engine}`]),
    ...(truth.databasePath !== undefined && filePath !== truth.databasePath
      ? [`path: ${truth.databasePath} ≠ ${filePath ?? "none"}`]
      : []),
  ];
  rows.push({ item: "database", verdict: databaseDetails.length ? "wrong" : "found", details: databaseDetails });
  const stored = new Set((inventory.storage ?? []).map((s) => s.path.replace(/\/+$/, "")));
  for (const { path: want } of truth.storage ?? []) {
    rows.push({ item: `storage ${want}`, verdict: stored.has(want) ? "found" : "missed", details: [] });
    stored.delete(want);
  }
  for (const extra of stored) rows.push({ item: `storage ${extra}`, verdict: "invented", details: [] });

  const count = (verdict) => rows.filter((r) => r.verdict === verdict).length;
  return { rows, found: count("found"), wrong: count("wrong"), missed: count("missed"), invented: count("invented") };
}

/** The per-app table bench/fidelity.mjs prints. */
export function formatTable(results) {
  const header = ["app", "found", "wrong", "missed", "invented"];
  const lines = results.map((r) => [r.app, r.found, r.wrong, r.missed, r.invented].map(String));
  const total = [
    "total",
    ...["found", "wrong", "missed", "invented"].map((k) => String(results.reduce((n, r) => n + r[k], 0))),
  ];
  const all = [header, ...lines, total];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const fmt = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  return [fmt(header), ...lines.map(fmt), fmt(total)].join("\n");
}

/** Flags a run of `init --yes` needs beyond what it detects (no GCP project or GitHub repo is in a VM). */
export const initFlags = (app) => ({ "target.project": `${app}-prod`.slice(0, 30), "target.github": `acme/${app}` });

/**
 * Runs init's detection and answers for one app, in process, the way
 * `init --from-host <app>/vm --from <app>/<truth.from> --yes --project … --github …` does, and
 * returns the inventory it would write, as the loader reads it back. `engine` holds the functions
 * (from src in tests, from dist in the benchmark).
 */
export async function inventoryTextFor(engine, { app, dir, truth }) {
  const facts = await engine.detectRepo(path.join(dir, truth.from), {
    host: { root: path.join(dir, "vm"), readListeners: async () => undefined },
    readRemote: async () => undefined,
  });
  const { answers, origins, missing } = engine.resolveAnswers(initFlags(app), facts, true);
  if (missing.length) throw new Error(`init --yes would stop: ${missing.map((m) => m.flag).join(", ")}`);
  return engine.buildInitPlan(engine.withDetectedFacts(answers, origins, facts), { toolVersion: "0.0.0" })
    .inventoryText;
}

/** The same inventory as the loader reads it back. */
export async function inventoryFor(engine, app) {
  return engine.parseInventory(await inventoryTextFor(engine, app), "infra-migrate.inventory.yaml").inventory;
}
