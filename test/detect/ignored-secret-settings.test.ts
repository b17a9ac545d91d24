// Settings files git ignores that set credentials of their own (Redmine's config/database.yml and
// generated secret_token.rb): the checkout the pipeline builds never has them.
import { describe, expect, it } from "vitest";
import ignore from "ignore";
import { ignoredSettingsWithCredentials, setsCredential } from "../../src/detect/secret-files.js";

describe("setsCredential", () => {
  it.each([
    ["config/database.yml", 'production:\n  adapter: mysql2\n  password: "FAKE-db"\n'],
    ["config/database.yml", "production:\n  password: hunter2\n"],
    ["config/configuration.yml", "  email_delivery:\n    smtp_settings:\n      password: 'FAKE'\n"],
    ["config/initializers/secret_token.rb", "RedmineApp::Application.config.secret_key_base = 'FAKEfake0123'\n"],
    ["local_settings.py", 'SECRET_KEY = "FAKE-django"\n'],
    ["local_settings.py", "DATABASES = {\n  'default': {\n    'PASSWORD': 'FAKE',\n  }\n}\n"],
    ["config.php", "<?php\n$CFG->dbpass = 'FAKE';\n"],
    ["config.php", "<?php\nreturn ['password' => 'FAKE'];\n"],
    ["app.ini", "[database]\nPASSWD = FAKE\n"],
  ])("%s sets a credential", (file, text) => {
    expect(setsCredential(text, file)).toBe(true);
  });

  it.each([
    ["config/database.yml", "production:\n  password: <%= ENV['DB_PASSWORD'] %>\n"],
    ["config/database.yml", 'production:\n  password: ""\n  username: root\n'],
    ["settings.py", "SECRET_KEY = os.environ['SECRET_KEY']\n"],
    ["settings.py", "SECRET_KEY = get_random_secret_key()\n"],
    ["settings.py", "SECRET_KEY = secret_from_vault\n"],
    ["config.js", "module.exports = { token: process.env.TOKEN };\n"],
    ["config.yml", "# password: FAKE\nmax_tokens: 100\ntoken_ttl: 3600\n"],
    ["config.yml", "session:\n  token: ${SESSION_TOKEN}\n"],
  ])("%s sets none", (file, text) => {
    expect(setsCredential(text, file)).toBe(false);
  });
});

describe("ignoredSettingsWithCredentials", () => {
  const gitignore =
    "/config/database.yml\n/config/initializers/secret_token.rb\n/files/*\n/log/*.log*\n/Gemfile.lock\n";
  const texts: Record<string, string> = {
    "/opt/redmine/config/database.yml": 'production:\n  password: "FAKE"\n',
    "/opt/redmine/config/database.yml.example": 'production:\n  password: "x"\n',
    "/opt/redmine/config/initializers/secret_token.rb": "X.config.secret_key_base = 'FAKE'\n",
    "/opt/redmine/config/settings.yml": "app_title:\n  default: Redmine\n",
    "/opt/redmine/config/configuration.yml": "production:\n  password: 'FAKE'\n",
    "/opt/redmine/files/2026/notes.yml": "password: 'FAKE'\n",
    "/opt/redmine/Gemfile.lock": "GEM\n",
  };
  const matcher = ignore().add(gitignore);
  const find = (storage: { path: string }[] = []) =>
    ignoredSettingsWithCredentials(
      "/opt/redmine",
      Object.keys(texts),
      storage as never,
      (rel) => matcher.ignores(rel),
      async (f) => texts[f],
    );

  it("takes the ignored settings files that set a credential, not tracked ones, samples or uploads", async () => {
    expect((await find([{ path: "/opt/redmine/files" }])).map((f) => f.path)).toEqual([
      "/opt/redmine/config/database.yml",
      "/opt/redmine/config/initializers/secret_token.rb",
    ]);
  });
});
