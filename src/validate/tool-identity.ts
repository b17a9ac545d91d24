// Which external validators this machine has, as strings that change when a tool does: the
// resolved path, size and modification time of the ShellCheck binary, the Python interpreter and
// the pyflakes module it imports (file-identity.ts). Cached verdicts and plans are keyed by them,
// so installing, upgrading or removing a tool revalidates. Read with stat calls only: asking a
// tool for its version means starting it, which is what the caches are there to avoid.
import { shellcheckIdentity } from "./shellcheck.js";
import { pythonIdentity } from "./python.js";
import type { ToolRecords } from "./tool-records.js";

/** Every external validator at once (the plan cache's key). */
export async function externalToolsIdentity(records: ToolRecords): Promise<string> {
  const [shellcheck, python] = await Promise.all([shellcheckIdentity(), pythonIdentity(records)]);
  return `${shellcheck}\n${python}`;
}
