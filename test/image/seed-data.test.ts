// Whether an app's seed command may run again into a database that holds its rows, from each
// tool's documented behaviour and, for Django's loaddata, the fixture files themselves.
import { afterAll, describe, expect, it } from "vitest";
import { openRepo } from "../../src/image/repo.js";
import { seedSafety } from "../../src/image/seed-data.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("im-seed-data-");
afterAll(() => trees.removeAll());

const WITH_PK = JSON.stringify([{ model: "projects.projecttemplate", pk: 1, fields: { name: "Scrum" } }]);
const NO_PK = JSON.stringify([{ model: "projects.projecttemplate", fields: { name: "Scrum" } }]);

describe("seedSafety", () => {
  it.each([
    [
      "loaddata, every object with its pk",
      "python manage.py loaddata initial_project_templates",
      { "taiga/projects/fixtures/initial_project_templates.json": WITH_PK },
      true,
      /taiga\/projects\/fixtures\/initial_project_templates\.json carries its pk/,
    ],
    [
      "loaddata, a YAML fixture with pks",
      "python manage.py loaddata base",
      { "app/fixtures/base.yaml": "- model: a.b\n  pk: 1\n  fields: {}\n- model: a.b\n  pk: 2\n  fields: {}\n" },
      true,
      /carries its pk/,
    ],
    [
      "loaddata, an object without a pk",
      "python manage.py loaddata initial_project_templates",
      { "taiga/projects/fixtures/initial_project_templates.json": NO_PK },
      false,
      /has objects without a pk/,
    ],
    [
      "loaddata, the fixture not in the repository",
      "python manage.py loaddata initial_project_templates",
      {},
      false,
      /not in the repository/,
    ],
    ["rails db:seed", "bundle exec rake db:seed", {}, false, /db\/seeds\.rb/],
    ["knex seed:run", "npx knex seed:run", {}, false, /every seed file/],
    ["sequelize db:seed:all", "npx sequelize-cli db:seed:all", {}, false, /seederStorage/],
  ])("%s", async (_, command, files, repeatSafe, why) => {
    const repo = openRepo(await trees.make({ ".keep": "", ...files }));
    const safety = seedSafety(command, repo);
    expect(safety.repeatSafe).toBe(repeatSafe);
    expect(safety.why).toMatch(why);
  });
});
