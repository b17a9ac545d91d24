// Python packages published as source only need C headers on the test runner before
// `pip install` (python-ldap, xmlsec through python3-saml): the test job installs them first.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { pythonBuildLibraries } from "../../../src/phases/cicd/python-build-libraries.js";
import { cicdPhase, CICD_PATHS } from "../../../src/phases/cicd/index.js";
import { chainFile, EXAMPLE } from "../../helpers/chain.js";

async function inRepo<T>(files: Record<string, string>, fn: (repo: string) => Promise<T> | T): Promise<T> {
  const repo = await mkdtemp(path.join(tmpdir(), "pylibs-"));
  try {
    for (const [f, text] of Object.entries(files)) await writeFile(path.join(repo, f), text);
    return await fn(repo);
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}

const XMLSEC = ["libxml2-dev", "libxmlsec1-dev", "libxmlsec1-openssl", "pkg-config"];

describe("pythonBuildLibraries", () => {
  it.each([
    // Tandoor's requirements.txt: python-ldap and python3-saml.
    [
      { "requirements.txt": "Django==5.2\npython-ldap==3.4.5\npython3-saml==1.16.0\n" },
      ["libldap2-dev", "libsasl2-dev", ...XMLSEC].sort(),
    ],
    [
      { "pyproject.toml": '[project]\ndependencies = ["django-auth-ldap>=5", "psycopg[binary]"]\n' },
      ["libldap2-dev", "libsasl2-dev"],
    ],
    [{ "requirements.txt": "Python_LDAP>=3.4\n" }, ["libldap2-dev", "libsasl2-dev"]],
    // NetBox: requirements.txt is what the job installs; the pyproject's optional extras are not.
    [
      {
        "requirements.txt": "Django==5.2\n",
        "pyproject.toml": '[project.optional-dependencies]\nldap = ["django-auth-ldap"]\n',
      },
      [],
    ],
    // Wheels for everything: nothing to install; a comment naming one is not a requirement.
    [{ "requirements.txt": "Django==5.2\npsycopg2-binary\n# python-ldap for LDAP logins\n" }, []],
  ])("%j", async (files, want) => {
    expect(await inRepo(files, (repo) => pythonBuildLibraries(repo))).toEqual(want);
  });

  it("the test job installs them before the dependencies", async () => {
    await inRepo({ "requirements.txt": "Django==5.2\npython-ldap==3.4.5\n", "manage.py": "" }, async (repo) => {
      const { input } = chainFile(EXAMPLE("django-postgres"));
      const run = { ...input, repoDir: repo };
      const artifacts = await cicdPhase.render(cicdPhase.offline(run), run);
      const wf = parse(artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content) as {
        jobs: { test: { steps: { name: string; run?: string }[] } };
      };
      const names = wf.jobs.test.steps.map((s) => s.name);
      const at = names.indexOf("Install the C libraries Python packages build against");
      expect(at).toBeGreaterThan(0);
      expect(at).toBeLessThan(names.indexOf("Install dependencies"));
      expect(wf.jobs.test.steps[at]!.run).toContain(
        "sudo apt-get install -y --no-install-recommends libldap2-dev libsasl2-dev",
      );
    });
  });
});
