// The Ruby Dockerfile when the Gemfile reads other files of the app: Redmine's resolves Gemfile.local
// and plugins' Gemfiles through eval_gemfile and takes its database gem from config/database.yml,
// which the VM keeps out of git (a secret file, mounted at run time).
import { afterAll, describe, expect, it } from "vitest";
import { TempTrees } from "../helpers/file-tree.js";
import { openRepo } from "../../src/image/repo.js";
import { rubyImage } from "../../src/image/ruby-image.js";
import type { Service } from "../../src/inventory/schema.js";

const trees = new TempTrees("im-ruby-");
afterAll(() => trees.removeAll());
const repoWith = (files: Record<string, string>) => openRepo(trees.makeSync(files));

const web: Service = {
  name: "web",
  role: "web",
  software: "rails",
  command: "bundle exec rails server -e production -b 127.0.0.1 -p 3000",
  listen: ["127.0.0.1:3000"],
  dependsOn: [],
  env: [],
  runtime: "ruby",
  framework: "rails",
} as Service;
const LOCK = "GEM\n  specs:\n    mysql2 (0.5.6)\n    puma (6.6.0)\n    rails (7.2.3.1)\n    railties (7.2.3.1)\n";
const REDMINE_GEMFILE = `source 'https://rubygems.org'
gem 'rails', '7.2.3.1'
database_file = File.join(File.dirname(__FILE__), "config/database.yml")
if File.exist?(database_file)
  adapters = File.read(database_file).scan(/^ *adapter: *(.*)/).flatten.uniq
end
local_gemfile = File.join(File.dirname(__FILE__), "Gemfile.local")
eval_gemfile local_gemfile if File.exist?(local_gemfile)
`;

describe("rubyImage", () => {
  it("copies the whole app before bundle install when the Gemfile reads other files, and names the adapter the VM's database settings would", () => {
    const repo = repoWith({ Gemfile: REDMINE_GEMFILE, "Gemfile.lock": LOCK, "config/database.yml": "production:\n" });
    const image = rubyImage({
      repo,
      appName: "redmine",
      runtime: "ruby",
      dockerfile: "Dockerfile",
      root: "/opt/redmine",
      processes: [web],
      mounts: { "/opt/redmine/config/database.yml": "/secrets/database-yml/database.yml" },
    });
    const build = image.content!.split("\nFROM ")[1]!;
    expect(build.indexOf("COPY . .")).toBeGreaterThan(-1);
    expect(build.indexOf("COPY . .")).toBeLessThan(build.indexOf("RUN bundle install"));
    expect(build).not.toMatch(/COPY Gemfile/);
    expect(build).toContain("RUN mkdir -p config && printf 'production:\\n  adapter: mysql2\\n' > config/database.yml");
    expect(build.indexOf("adapter: mysql2")).toBeLessThan(build.indexOf("RUN bundle install"));
    expect(build.match(/COPY \. \./g)).toHaveLength(1);
  });

  it("keeps the cached gem layer for a Gemfile that reads nothing else", () => {
    const repo = repoWith({ Gemfile: "source 'https://rubygems.org'\ngem 'rails'\ngem 'pg'\n", "Gemfile.lock": LOCK });
    const image = rubyImage({ repo, appName: "app", runtime: "ruby", dockerfile: "Dockerfile", processes: [web] });
    const build = image.content!.split("\nFROM ")[1]!;
    expect(build).toMatch(/COPY Gemfile Gemfile\nCOPY Gemfile.lock Gemfile.lock\nRUN bundle install/);
    expect(build).not.toContain("adapter:");
  });

  it("leaves a database.yml the repository holds (and the image copies) as it is", () => {
    const repo = repoWith({ Gemfile: REDMINE_GEMFILE, "Gemfile.lock": LOCK, "config/database.yml": "production:\n" });
    const image = rubyImage({ repo, appName: "app", runtime: "ruby", dockerfile: "Dockerfile", processes: [web] });
    expect(image.content).not.toContain("adapter: mysql2");
  });

  // vite_ruby and jsbundling build the front end inside assets:precompile: a VITE_ setting the
  // bundler inlines must be a build ARG there, or the browser code is built without it.
  it("declares the front end's build-time public settings before assets:precompile", () => {
    const files = {
      Gemfile: "source 'https://rubygems.org'\ngem 'rails'\ngem 'pg'\ngem 'vite_rails'\n",
      "Gemfile.lock": LOCK,
      Rakefile: "require_relative 'config/application'\n",
      "config/application.rb": "module Shop; class Application < Rails::Application; end; end\n",
      "package.json": JSON.stringify({ devDependencies: { vite: "^5.0.0", "vite-plugin-ruby": "^5.0.0" } }),
    };
    const withVite = { ...web, env: ["DATABASE_URL", "VITE_STRIPE_KEY", "VITE_API_BASE"] } as Service;
    const image = rubyImage({
      repo: repoWith(files),
      appName: "shop",
      runtime: "ruby",
      dockerfile: "Dockerfile",
      processes: [withVite],
    });
    const build = image.content!.split("\nFROM ")[1]!;
    expect(build).toMatch(/ARG VITE_API_BASE\nARG VITE_STRIPE_KEY\n/);
    expect(build.indexOf("ARG VITE_STRIPE_KEY")).toBeLessThan(build.indexOf("RUN SECRET_KEY_BASE_DUMMY=1"));
    expect(build).not.toContain("ARG DATABASE_URL");
    // Without Vite in the app, a VITE_ name is the app's own runtime setting.
    const plain = rubyImage({
      repo: repoWith({ ...files, "package.json": JSON.stringify({ devDependencies: { esbuild: "^0.20.0" } }) }),
      appName: "shop",
      runtime: "ruby",
      dockerfile: "Dockerfile",
      processes: [withVite],
    });
    expect(plain.content).not.toContain("ARG VITE_");
  });
});

describe("a gem that links a library the ruby images lack", () => {
  it("rszr (Zammad): imlib2's headers in the build stage, the library at run time", () => {
    const repo = repoWith({ Gemfile: "source 'https://rubygems.org'\ngem 'rails'\ngem 'pg'\ngem 'rszr'\n" });
    const image = rubyImage({
      repo,
      appName: "desk",
      runtime: "ruby",
      dockerfile: "Dockerfile",
      root: "/opt/desk",
      processes: [web],
    });
    const [build, run] = image.content!.split("\nFROM ").slice(1) as [string, string];
    expect(build).toMatch(/install -y --no-install-recommends libimlib2-dev \\$/m);
    expect(build.indexOf("libimlib2-dev")).toBeLessThan(build.indexOf("RUN bundle install"));
    expect(run).toMatch(/install -y --no-install-recommends libpq5 libimlib2t64 \\$/m);
    const plain = rubyImage({
      repo: repoWith({ Gemfile: "source 'https://rubygems.org'\ngem 'rails'\n" }),
      appName: "desk",
      runtime: "ruby",
      dockerfile: "Dockerfile",
      root: "/opt/desk",
      processes: [web],
    });
    expect(plain.content).not.toContain("apt-get");
  });
});
