// uWSGI in socket mode on a VM, the way admins set it up behind nginx's uwsgi_pass: the socket in
// the --ini the unit names, or in UWSGI_SOCKET from the unit's EnvironmentFile. The process speaks
// the uwsgi protocol there, not HTTP, and the inventory says so and where it is set.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("im-uwsgi-");
afterAll(() => trees.removeAll());

const unit = (exec: string, extra = "") =>
  `[Unit]\nDescription=app\n[Service]\nUser=app\nWorkingDirectory=/srv/app\n${extra}ExecStart=${exec}\nRestart=always\n[Install]\nWantedBy=multi-user.target\n`;
const SITE = `server {\n  listen 80;\n  server_name app.example.com;\n  location / {\n    include uwsgi_params;\n    uwsgi_pass 127.0.0.1:3031;\n  }\n}\n`;
const APP = {
  "srv/app/requirements.txt": "flask==3.0.3\nuwsgi==2.0.26\n",
  "srv/app/wsgi.py": "from app import create_app\napp = create_app()\n",
  "etc/nginx/sites-enabled/app": SITE,
};

async function web(files: Record<string, string>) {
  const root = await trees.make({ ...APP, ...files });
  const found = await detectRepo(path.join(root, "srv/app"), {
    readRemote: async () => undefined,
    host: { root, readListeners: async () => "" },
  });
  return found.services.find((s) => s.software === "uwsgi");
}

describe("uWSGI's socket read from the VM", () => {
  it("the --ini's socket: the uwsgi protocol, set in that file", async () => {
    const s = await web({
      "srv/app/uwsgi.ini": "[uwsgi]\nmodule = wsgi:app\nsocket = 127.0.0.1:3031\nmaster = true\n",
      "etc/systemd/system/app.service": unit("/srv/app/venv/bin/uwsgi --ini /srv/app/uwsgi.ini"),
    });
    expect(s).toMatchObject({ role: "web", listen: ["127.0.0.1:3031"], protocols: ["uwsgi"] });
    expect(s!.uwsgiSocket).toEqual({ setIn: "config", file: "/srv/app/uwsgi.ini" });
  });

  it("UWSGI_SOCKET in the unit's EnvironmentFile: the uwsgi protocol, set by that variable", async () => {
    const s = await web({
      "etc/default/app": "UWSGI_SOCKET=127.0.0.1:3031\nUWSGI_MODULE=wsgi:app\nSECRET_KEY=fake\n",
      "etc/systemd/system/app.service": unit("/srv/app/venv/bin/uwsgi --master", "EnvironmentFile=/etc/default/app\n"),
    });
    expect(s).toMatchObject({ role: "web", protocols: ["uwsgi"] });
    expect(s!.uwsgiSocket).toEqual({ setIn: "env", addressEnv: "UWSGI_SOCKET" });
  });

  it("an --ini with an http-socket stays HTTP", async () => {
    const s = await web({
      "srv/app/uwsgi.ini": "[uwsgi]\nmodule = wsgi:app\nhttp-socket = 127.0.0.1:3031\n",
      "etc/systemd/system/app.service": unit("/srv/app/venv/bin/uwsgi --ini /srv/app/uwsgi.ini"),
    });
    expect(s).toMatchObject({ role: "web", listen: ["127.0.0.1:3031"], protocols: ["http"] });
    expect(s!.uwsgiSocket).toBeUndefined();
  });
});
