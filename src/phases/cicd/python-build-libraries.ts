// Python packages that PyPI ships as source only, so `pip install` on the test runner compiles
// them against C headers the runner does not have: python-ldap (published as a source archive only;
// its installation page lists libldap2-dev and libsasl2-dev for Debian) and xmlsec (python3-saml's
// signer, built against libxmlsec1; its README lists the Debian packages). Without them the test job fails on its first
// push, in "Install dependencies". The job installs the headers first.
// https://www.python-ldap.org/en/python-ldap-3.4.4/installing.html#debian
// https://github.com/xmlsec/python-xmlsec#linux-debian
import { openRepo } from "../../image/repo.js";

/** Distribution (normalised) → Ubuntu packages to build it. python3-saml pulls xmlsec in. */
const BUILD_LIBRARIES: Record<string, string[]> = {
  "python-ldap": ["libldap2-dev", "libsasl2-dev"],
  "django-auth-ldap": ["libldap2-dev", "libsasl2-dev"],
  xmlsec: ["libxml2-dev", "libxmlsec1-dev", "libxmlsec1-openssl", "pkg-config"],
  "python3-saml": ["libxml2-dev", "libxmlsec1-dev", "libxmlsec1-openssl", "pkg-config"],
};

/** What the test job installs from (test-job.ts): the requirements files when there are, else the project's manifest. */
const REQUIREMENTS = ["requirements.txt", "requirements-dev.txt", "requirements-test.txt"];
const PROJECT = ["pyproject.toml", "Pipfile"];
const normalise = (name: string) => name.toLowerCase().replace(/[-_.]+/g, "-");

/** The Ubuntu packages the repository's Python dependencies need to build from source, sorted. */
export function pythonBuildLibraries(repoDir: string, generated?: ReadonlySet<string>): string[] {
  const repo = openRepo(repoDir, generated);
  const names = new Set<string>();
  const manifests = repo.exists("requirements.txt") ? REQUIREMENTS : PROJECT;
  for (const file of manifests) {
    const text = repo.read(file);
    if (!text) continue;
    // A requirement at a line's start (requirements.txt) or in quotes (pyproject, Pipfile keys).
    for (const m of text.matchAll(/(?:^|["'])\s*([A-Za-z0-9][A-Za-z0-9._-]*)/gm)) names.add(normalise(m[1]!));
  }
  return [...new Set([...names].flatMap((n) => BUILD_LIBRARIES[n] ?? []))].sort();
}

/** The step that installs them on the runner, before the dependencies. */
export function buildLibrariesStep(packages: string[]): object[] {
  if (packages.length === 0) return [];
  return [
    {
      name: "Install the C libraries Python packages build against",
      run: `sudo apt-get update\nsudo apt-get install -y --no-install-recommends ${packages.join(" ")}\n`,
    },
  ];
}
