// What a start command that runs supervisord starts, read from the repository files the team's
// Dockerfile copies into the image (src/image/supervised.ts).
import { describe, expect, it } from "vitest";
import { copiedFiles, parseDockerfile } from "../../src/image/dockerfile-parse.js";
import { imageFiles, supervisedPrograms, supervisordConfigs } from "../../src/image/supervised.js";

/** The image's files for a Dockerfile; `appDir`: where it copies the repository whole (team-image.ts finds it). */
function filesOf(dockerfile: string, repo: Record<string, string>, appDir?: string) {
  const list = (dir: string) => {
    const prefix = dir ? `${dir}/` : "";
    const names = Object.keys(repo)
      .filter((f) => f.startsWith(prefix) && !f.slice(prefix.length).includes("/"))
      .map((f) => f.slice(prefix.length));
    return names.length ? names : undefined;
  };
  return imageFiles(copiedFiles(parseDockerfile(dockerfile)), appDir, (f) => repo[f], list);
}

const names = (argv: string[], files: ReturnType<typeof filesOf>) =>
  supervisedPrograms(argv, files)?.map((p) => `${p.name}: ${p.argv.join(" ")}`);

describe("supervisordConfigs", () => {
  it.each([
    [["supervisord", "-c", "/etc/a.conf"], ["/etc/a.conf"]],
    [["sudo", "-E", "/usr/bin/supervisord", "-n", "-c", "/etc/a.conf"], ["/etc/a.conf"]],
    [["/usr/bin/supervisord", "--configuration=/etc/b.conf", "--nodaemon"], ["/etc/b.conf"]],
    [["supervisord", "-c/etc/c.conf"], ["/etc/c.conf"]],
    [
      ["supervisord", "-n"],
      ["/etc/supervisord.conf", "/etc/supervisor/supervisord.conf"],
    ],
  ])("%j reads %j", (argv, want) => {
    expect(supervisordConfigs(argv)).toEqual(want);
  });

  it.each([[["gunicorn", "app.wsgi"]], [["bash", "-c", "supervisord -c x"]], [["python", "supervisord"]]])(
    "%j runs no supervisord of its own",
    (argv) => {
      expect(supervisordConfigs(argv)).toBeUndefined();
    },
  );
});

describe("supervisedPrograms", () => {
  const program = (name: string, command: string) => `[program:${name}]\ncommand=${command} ; a comment\n`;

  it("follows [include] globs relative to the including file, through a folder the Dockerfile copies", () => {
    const files = filesOf(
      "FROM debian\nCOPY conf/supervisor /etc/supervisord\nCOPY conf/all.conf /etc/supervisord.all.conf\nCOPY conf/web.conf /etc/\n",
      {
        "conf/all.conf": "[supervisord]\nnodaemon=true\n[include]\nfiles = /etc/supervisord/*.conf\n",
        "conf/web.conf": "[include]\nfiles = supervisord/nginx.conf\n   supervisord/app.conf\n",
        "conf/supervisor/nginx.conf": program("nginx", "/usr/sbin/nginx -g 'daemon off;'"),
        "conf/supervisor/app.conf": program("app", "gunicorn app.wsgi"),
        "conf/supervisor/task.conf": program("task", "celery -A app worker"),
        "conf/supervisor/notes.txt": program("never", "read"),
      },
    );
    expect(names(["supervisord", "-c", "/etc/supervisord.all.conf"], files)).toEqual([
      "app: gunicorn app.wsgi",
      "nginx: /usr/sbin/nginx -g daemon off;",
      "task: celery -A app worker",
    ]);
    // A file copied into a folder (`dest/`) keeps its name; continuation lines join the list.
    expect(names(["supervisord", "-c", "/etc/web.conf"], files)).toEqual([
      "nginx: /usr/sbin/nginx -g daemon off;",
      "app: gunicorn app.wsgi",
    ]);
  });

  it("a later COPY to the same place wins, as in the image", () => {
    const files = filesOf("FROM debian\nCOPY a.conf /etc/supervisord.conf\nCOPY b.conf /etc/supervisord.conf\n", {
      "a.conf": program("old", "old-server"),
      "b.conf": program("new", "new-server"),
    });
    expect(names(["supervisord"], files)).toEqual(["new: new-server"]);
  });

  it("Debian's packaged supervisord.conf includes conf.d/*.conf: programs copied there are read", () => {
    const files = filesOf(
      "FROM debian\nRUN apt-get install -y supervisor\nCOPY deploy/supervisor/ /etc/supervisor/conf.d/\n",
      {
        "deploy/supervisor/web.conf": program("web", "php-fpm -F"),
        "deploy/supervisor/queue.conf": program("queue", "php artisan queue:work"),
      },
    );
    expect(names(["/usr/bin/supervisord", "-n"], files)).toEqual(["queue: php artisan queue:work", "web: php-fpm -F"]);
  });

  it("the repository copied whole under WORKDIR is read by its image paths", () => {
    const files = filesOf(
      "FROM python\nWORKDIR /app\nCOPY . .\n",
      { "etc/supervisord.conf": program("api", "uvicorn main:app") },
      "/app",
    );
    expect(names(["supervisord", "-c", "/app/etc/supervisord.conf"], files)).toEqual(["api: uvicorn main:app"]);
  });

  it("a configuration the image does not get from the repository says nothing", () => {
    const files = filesOf("FROM debian\nCOPY --from=build /out/supervisord.conf /etc/supervisord.conf\n", {
      "supervisord.conf": program("x", "y"),
    });
    expect(names(["supervisord", "-c", "/etc/supervisord.conf"], files)).toBeUndefined();
    expect(names(["gunicorn", "app.wsgi"], files)).toBeUndefined();
  });
});
