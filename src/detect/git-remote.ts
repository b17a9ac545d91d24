// owner/repo for target.github, from the origin remote. Only GitHub remotes count (WIF attribute
// conditions are about GitHub repositories), and credentials embedded in a URL are never kept.

const PATTERNS = [
  /^git@github\.com:([A-Za-z0-9-]{1,39})\/([A-Za-z0-9._-]{1,100}?)(?:\.git)?\/?$/,
  /^(?:https?|ssh|git):\/\/(?:[^@/]+@)?github\.com(?::\d+)?\/([A-Za-z0-9-]{1,39})\/([A-Za-z0-9._-]{1,100}?)(?:\.git)?\/?$/,
];

export function parseGithubRemote(url: string): string | undefined {
  const trimmed = url.trim();
  for (const re of PATTERNS) {
    const m = re.exec(trimmed);
    if (m) return `${m[1]}/${m[2]}`;
  }
  return undefined;
}

/** `git remote get-url origin` in dir; undefined without git, outside a repo, or with no origin. */
export async function readGitRemote(dir: string): Promise<string | undefined> {
  const { execa } = await import("execa");
  try {
    const result = await execa("git", ["-C", dir, "remote", "get-url", "origin"], {
      reject: false,
      timeout: 5000,
      stdin: "ignore",
      env: { GIT_TERMINAL_PROMPT: "0" },
    });
    return result.exitCode === 0 ? String(result.stdout).trim() || undefined : undefined;
  } catch {
    return undefined;
  }
}
