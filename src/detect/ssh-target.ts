// What `--from-host ssh://[user@]host[:port]` names, checked so that ssh can never take it as an option.
export interface SshTarget {
  /** `user@host` or `host`, as ssh takes it. */
  destination: string;
  port?: number;
}

/** `ssh://deploy@app-vm-01:2222` → { destination: "deploy@app-vm-01", port: 2222 }; undefined when not an ssh URL. */
export function parseSshTarget(text: string): SshTarget | undefined {
  // Neither part may start with "-": ssh would take it as an option (-oProxyCommand=…).
  const m =
    /^ssh:\/\/(?:([A-Za-z0-9_][A-Za-z0-9._-]*)@)?([A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:]+\])(?::(\d{1,5}))?\/?$/.exec(
      text,
    );
  if (!m) return undefined;
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { destination: m[1] ? `${m[1]}@${m[2]}` : m[2]!, ...(port ? { port } : {}) };
}
