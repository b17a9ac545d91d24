// Seed data: rows an app loads into its tables after the migrations. Whether a second run into a
// database that already holds them is safe is each tool's behaviour, not the command's:
// - Django `loaddata`: an object with a primary key is written over the row with that key ("each
//   time you run loaddata, the data will be read from the fixture and re-loaded into the
//   database", https://docs.djangoproject.com/en/5.1/howto/initial-data/): safe to repeat when
//   every object of the named fixtures carries its `pk` (edits to those rows are undone, as the
//   app's own entrypoint does on each start: Taiga's docker/entrypoint.sh); an object without one
//   is inserted again on every run.
// - Rails `db:seed` runs the app's own db/seeds.rb: Rails asks for idempotent seeds only in the
//   template of 7.1 on (rails/rails#50272), so an app's file may insert on every run.
// - `knex seed:run` runs every seed file on every run ("unlike migrations, every seed file will be
//   executed", https://knexjs.org/guide/migrations.html#seed-files), and its generated seed
//   deletes the table's rows first.
// - `sequelize db:seed:all` runs every seeder again unless the configuration records them
//   (seederStorage: none by default, https://sequelize.org/docs/v6/other-topics/migrations/).
import path from "node:path";
import type { AppRepo } from "./repo.js";

export interface SeedSafety {
  /** True when a second run into a database that holds the rows changes nothing the app made. */
  repeatSafe: boolean;
  /** Why, in one clause for the plan. */
  why: string;
}

const FIXTURE_EXT = [".json", ".yaml", ".yml", ".xml"];

/** The fixture files a `loaddata` label names: `<app>/fixtures/<label>.<ext>` anywhere in the repository. */
function fixtureFiles(repo: AppRepo, label: string): string[] {
  const names = path.posix.extname(label) ? [label] : FIXTURE_EXT.map((e) => `${label}${e}`);
  return names.flatMap((name) =>
    name.includes("/")
      ? repo.exists(name)
        ? [name]
        : []
      : repo.foldersWith(`fixtures/${name}`, 4).map((d) => path.posix.join(d, "fixtures", name)),
  );
}

/** Every object of a fixture carries its primary key (JSON, YAML or XML as dumpdata writes them). */
function everyObjectHasPk(text: string, file: string): boolean {
  if (file.endsWith(".json")) {
    try {
      const objects = JSON.parse(text) as unknown;
      return (
        Array.isArray(objects) &&
        objects.length > 0 &&
        objects.every((o) => typeof o === "object" && o !== null && "pk" in o && (o as { pk: unknown }).pk !== null)
      );
    } catch {
      return false;
    }
  }
  if (file.endsWith(".xml")) {
    const objects = text.match(/<object\b[^>]*>/g) ?? [];
    return objects.length > 0 && objects.every((o) => /\bpk="[^"]+"/.test(o));
  }
  const objects = text.match(/^-\s+model:/gm)?.length ?? 0;
  const pks = text.match(/^\s+pk:\s*\S/gm)?.length ?? 0;
  return objects > 0 && pks === objects;
}

/** Whether the seed command (runOnceKind "seed") is safe to run again, from the tool and the repository. */
export function seedSafety(command: string, repo: AppRepo | undefined): SeedSafety {
  const words = command.split(/\s+/);
  const at = words.indexOf("loaddata");
  if (at >= 0) {
    const labels = words.slice(at + 1).filter((w) => w && !w.startsWith("-"));
    if (!repo?.present || labels.length === 0)
      return {
        repeatSafe: false,
        why: "Django's loaddata inserts again an object without its pk, and the fixture is not in the repository to check",
      };
    const files = labels.map((l) => ({ label: l, files: fixtureFiles(repo, l) }));
    const missing = files.find((f) => f.files.length === 0);
    if (missing)
      return {
        repeatSafe: false,
        why: `the fixture ${missing.label} is not in the repository, so whether its objects carry their pk is unknown`,
      };
    const loose = files.flatMap((f) => f.files).find((f) => !everyObjectHasPk(repo.read(f) ?? "", f));
    if (loose)
      return {
        repeatSafe: false,
        why: `${loose} has objects without a pk, which Django's loaddata inserts again on each run`,
      };
    return {
      repeatSafe: true,
      why: `every object of ${files.flatMap((f) => f.files).join(", ")} carries its pk, so Django's loaddata writes over the same rows each run (edits to them are undone, as on each start of the app's own container)`,
    };
  }
  if (/\bdb:seed:all\b/.test(command))
    return {
      repeatSafe: false,
      why: "sequelize-cli runs every seeder again unless its configuration sets seederStorage",
    };
  if (/\bseed:run\b/.test(command))
    return {
      repeatSafe: false,
      why: "knex runs every seed file on each run, and a generated seed deletes the table's rows first",
    };
  if (/\bdb:seed\b/.test(command))
    return {
      repeatSafe: false,
      why: "Rails runs the app's db/seeds.rb, which may insert the same rows again on each run",
    };
  return { repeatSafe: false, why: "the tool is not one whose seeds are known to repeat safely" };
}
