// The read script (templates/host/read-host.sh) sends what nginx's include lines name, as
// nginx-include.ts splices them on the other side: relative to /etc/nginx, nested, globs, each file
// once, nginx.conf's includes only inside http{}, secrets masked as in the sites; the same under
// dash, bash and busybox.
import { execa } from "execa";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { remoteScript } from "../../src/detect/ssh-host.js";
import { TempTrees } from "../helpers/file-tree.js";

const FAKE_BIN = path.resolve(import.meta.dirname, "../helpers/fake-bin");
const trees = new TempTrees("im-ssh-nginx-");
afterAll(() => trees.removeAll());
const hasBusybox = await execa("busybox", ["true"], { reject: false }).then(
  (r) => r.exitCode === 0,
  () => false,
);

async function runScript(root: string, shell: string[] = ["dash"]): Promise<string> {
  const [cmd, ...args] = shell;
  const r = await execa(cmd!, [...args, "-s"], {
    input: remoteScript(),
    env: { IM_ROOT: root, PATH: `${FAKE_BIN}:${process.env.PATH}` },
    extendEnv: false,
  });
  return r.stdout;
}

/** The files sent under etc/nginx and srv, in the order sent, each with its text. */
function sent(output: string): Record<string, string> {
  const files: Record<string, string> = {};
  let current: string | undefined;
  for (const line of output.split("\n")) {
    if (line.startsWith("file=")) current = line.slice(5);
    else if (line.startsWith("|") && current) files[current] = `${files[current] ?? ""}${line.slice(1)}\n`;
    else current = undefined;
  }
  return Object.fromEntries(Object.entries(files).filter(([f]) => /^(etc\/nginx|srv)\//.test(f)));
}

const SITE = "etc/nginx/sites-enabled/app";

describe("nginx's includes over ssh", () => {
  it.each<{ name: string; files: Record<string, string>; want: string[] }>([
    {
      name: "relative to /etc/nginx, nested, a glob's matches and what they include",
      files: {
        [SITE]: "server {\n  listen 80;\n  include snippets/app.conf;\n}\n",
        "etc/nginx/snippets/app.conf": "include /etc/nginx/app.d/*.conf;\n",
        "etc/nginx/app.d/10-api.conf":
          "location /api/ { include snippets/guard.conf; proxy_pass http://127.0.0.1:8000; }\n",
        "etc/nginx/app.d/.hidden.conf": "location /old/ { }\n",
        "etc/nginx/snippets/guard.conf": "allow 10.0.0.0/8;\ndeny all;\n",
        "etc/nginx/snippets/unused.conf": "location /unused/ { }\n",
      },
      want: [SITE, "etc/nginx/snippets/app.conf", "etc/nginx/app.d/10-api.conf", "etc/nginx/snippets/guard.conf"],
    },
    {
      name: "nginx.conf: only what its http{} includes (a site in the app's folder), not modules or stream{} files",
      files: {
        "etc/nginx/nginx.conf":
          "include /etc/nginx/modules-enabled/*.conf;\nevents { }\nhttp {\n  include /srv/app/deploy/nginx.conf; # the app's site\n}\nstream { include streams/db.conf; }\n",
        "etc/nginx/modules-enabled/50-mod-stream.conf": "load_module modules/ngx_stream_module.so;\n",
        "etc/nginx/streams/db.conf": "server { listen 5432; proxy_pass 127.0.0.1:5433; }\n",
        "srv/app/deploy/nginx.conf": "server {\n  listen 80;\n  include snippets/app.conf;\n}\n",
        "etc/nginx/snippets/app.conf": "location / { proxy_pass http://127.0.0.1:8000; }\n",
      },
      want: ["etc/nginx/nginx.conf", "srv/app/deploy/nginx.conf", "etc/nginx/snippets/app.conf"],
    },
    {
      name: "a loop: each file once; a path out of the root and one with a variable are not followed",
      files: {
        [SITE]:
          "server {\n  include snippets/a.conf;\n  include ../../../../../outside.conf;\n  include $conf_dir/x.conf;\n}\n",
        "etc/nginx/snippets/a.conf": "include snippets/b.conf;\n",
        "etc/nginx/snippets/b.conf": "include snippets/a.conf;\n",
      },
      want: [SITE, "etc/nginx/snippets/a.conf", "etc/nginx/snippets/b.conf"],
    },
  ])("$name", async ({ files, want }) => {
    const out = await runScript(await trees.make(files));
    expect(Object.keys(sent(out))).toEqual(want);
    expect(out.trimEnd().split("\n").at(-1)).toBe("end");
  });

  it("a snippet's secrets are masked as a site's", async () => {
    const root = await trees.make({
      [SITE]: "server {\n  listen 80;\n  include snippets/backend-auth.conf;\n}\n",
      "etc/nginx/snippets/backend-auth.conf":
        'proxy_set_header Authorization "Basic ZmFrZS1uZ2lueC1zbmlwcGV0LTU4";\nfastcgi_param DB_PASSWORD fake-snippet-pass-58;\n',
    });
    const out = await runScript(root);
    expect(out).not.toMatch(/ZmFrZS1uZ2lueC1zbmlwcGV0LTU4|fake-snippet-pass-58/);
    expect(sent(out)["etc/nginx/snippets/backend-auth.conf"]).toBe(
      'proxy_set_header Authorization "Basic <redacted:vm>";\nfastcgi_param DB_PASSWORD <redacted:vm>;\n',
    );
  });

  it.skipIf(!hasBusybox)("prints the same under dash, bash and busybox sh", async () => {
    const root = path.resolve(import.meta.dirname, "../fixtures/nginx-includes/vm");
    const dash = await runScript(root);
    expect(await runScript(root, ["bash", "--posix"])).toBe(dash);
    expect(await runScript(root, ["busybox", "sh"])).toBe(dash);
  });
});
