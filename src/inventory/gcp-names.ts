// Google Cloud's naming rules, spelled out one rule at a time so a refused name says which rule
// it broke. The inventory schema and init's questions both use these.

/**
 * Project ids: 6 to 30 characters; lowercase letters, digits and hyphens; a letter first; no
 * hyphen last; no restricted strings such as "google" or "ssl".
 * https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin
 */
export const PROJECT_ID = /^(?!.*(google|ssl))[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

export function projectIdProblem(id: string): string | undefined {
  if (id.length < 6 || id.length > 30) return `is ${id.length} characters long; a project id has 6 to 30`;
  if (!/^[a-z]/.test(id)) return "must start with a lowercase letter";
  const bad = [...new Set(id.replace(/[a-z0-9-]/g, ""))];
  if (bad.length)
    return `may hold only lowercase letters, digits and hyphens (not ${bad.map((c) => `"${c}"`).join(" ")})`;
  if (id.endsWith("-")) return "cannot end with a hyphen";
  const restricted = ["google", "ssl"].find((word) => id.includes(word));
  if (restricted) return `cannot contain "${restricted}" (Google reserves it in project ids)`;
  return undefined;
}

/**
 * Cloud Run service names are DNS labels (lowercase letters, digits and dashes, a letter first,
 * no dash last); at most 49 characters leaves room for the revision suffix Cloud Run appends.
 */
export const CLOUD_RUN_NAME = /^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$/;

export function cloudRunNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 49)
    return `is ${name.length} characters long; a Cloud Run service name has 1 to 49`;
  if (!/^[a-z]/.test(name)) return "must start with a lowercase letter";
  const bad = [...new Set(name.replace(/[a-z0-9-]/g, ""))];
  if (bad.length)
    return `may hold only lowercase letters, digits and dashes (not ${bad.map((c) => `"${c}"`).join(" ")})`;
  if (name.endsWith("-")) return "cannot end with a dash";
  return undefined;
}
