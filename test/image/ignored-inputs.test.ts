// Files a Dockerfile we write builds from that the repository's .gitignore leaves out of a checkout
// (Redmine ignores Gemfile.lock and the Gemfile.local that adds Puma): the first build would fail.
import { afterAll, describe, expect, it } from "vitest";
import { TempTrees } from "../helpers/file-tree.js";
import { ignoredBuildInputs } from "../../src/image/ignored-inputs.js";
import { openRepo } from "../../src/image/repo.js";

const trees = new TempTrees("im-ignored-");
afterAll(() => trees.removeAll());
const repoWith = (files: Record<string, string>) => openRepo(trees.makeSync(files));

describe("ignoredBuildInputs", () => {
  it("names the lockfile and the evaluated Gemfile git ignores, not the ignored secrets or logs", () => {
    const repo = repoWith({
      ".gitignore": "/Gemfile.lock\n/Gemfile.local\n/config/database.yml\n/log/*.log\n",
      Gemfile: 'local_gemfile = File.join(File.dirname(__FILE__), "Gemfile.local")\neval_gemfile local_gemfile\n',
      "Gemfile.lock": "GEM\n",
      "Gemfile.local": "gem 'puma'\n",
      "config/database.yml": "production:\n",
      "log/production.log": "x\n",
    });
    expect(ignoredBuildInputs("FROM ruby:3.3\nCOPY . .\nRUN bundle install\n", repo)).toEqual([
      "Gemfile.lock",
      "Gemfile.local",
    ]);
  });

  it("names a file COPY spells out that git ignores", () => {
    const repo = repoWith({ ".gitignore": "settings/prod.toml\n", "settings/prod.toml": "x = 1\n", "go.mod": "" });
    expect(ignoredBuildInputs("FROM golang:1.26\nCOPY go.mod settings/prod.toml ./\n", repo)).toEqual([
      "settings/prod.toml",
    ]);
  });

  it("names a settings file the start command reads that git ignores (NetBox's /gunicorn.py), not a secret file", () => {
    const repo = repoWith({
      ".gitignore": "/gunicorn.py\n/netbox/netbox/configuration.py\n/local.yml\n",
      "gunicorn.py": "bind = '127.0.0.1:8001'\n",
      "local.yml": "password: FAKE\n",
      "requirements.txt": "django\n",
    });
    const shell =
      'FROM python:3.12\nCOPY . .\nCMD ["sh", "-c", "exec gunicorn --pythonpath netbox --config gunicorn.py netbox.wsgi --bind 0.0.0.0:${PORT}"]\n';
    expect(ignoredBuildInputs(shell, repo)).toEqual(["gunicorn.py"]);
    expect(ignoredBuildInputs('FROM x\nCMD ["app", "--config=./gunicorn.py"]\n', repo)).toEqual(["gunicorn.py"]);
    // A file Secret Manager mounts is never committed.
    expect(ignoredBuildInputs('FROM x\nENTRYPOINT ["app", "-c", "local.yml"]\n', repo, "", ["local.yml"])).toEqual([]);
  });

  it("names nothing when git tracks what the build reads, or when there is no .gitignore", () => {
    const tracked = repoWith({ ".gitignore": "node_modules\n.env\n", "package-lock.json": "{}", ".env": "X=1\n" });
    expect(ignoredBuildInputs("FROM node:22\nCOPY package.json package-lock.json ./\n", tracked)).toEqual([]);
    const bare = repoWith({ "Gemfile.lock": "GEM\n" });
    expect(ignoredBuildInputs("FROM ruby:3.3\nCOPY Gemfile.lock ./\n", bare)).toEqual([]);
  });
});
