// Gemfile: the gems production installs. `group :development, :test do … end` blocks (and
// `gem 'x', group: :test`) are left out: a test-only gem says nothing about what runs.

const DEV_GROUPS = /:(development|test|ci|lint)\b/;

export function parseGemfile(text: string): string[] {
  const gems: string[] = [];
  const groups: boolean[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) continue;
    const group = /^group\s+(.+?)\s+do$/.exec(line);
    if (group) {
      // A group that lists production as well as test is still production.
      groups.push(DEV_GROUPS.test(group[1]!) && !/:production\b/.test(group[1]!));
      continue;
    }
    if (/^(platforms?|source|install_if)\b.*\bdo$/.test(line)) {
      groups.push(false);
      continue;
    }
    if (line === "end") {
      groups.pop();
      continue;
    }
    const gem = /^gem\s+["']([^"']+)["'](.*)$/.exec(line);
    if (!gem || groups.some(Boolean) || /\bgroups?:\s*\[?\s*:(development|test)\b/.test(gem[2]!)) continue;
    gems.push(gem[1]!.toLowerCase());
  }
  return gems;
}
