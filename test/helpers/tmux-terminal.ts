// A real pseudo-terminal for end-to-end tests of the wizard: the CLI runs inside tmux (its own
// server on a socket in a temp dir, so a tmux the user runs is never touched), keys are sent as a
// person types them, and the screen is read back to wait for each prompt.
import { mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";

export const TMUX = "/usr/bin/tmux";
export const hasTmux = existsSync(TMUX);

export interface TerminalOptions {
  /** The shell command to run; its exit code is printed as EXIT=<n> when it ends. */
  command: string;
  width?: number;
  height?: number;
}

export class TmuxTerminal {
  private constructor(
    private readonly socketDir: string,
    private readonly socket: string,
  ) {}

  static async start(options: TerminalOptions): Promise<TmuxTerminal> {
    const socketDir = await mkdtemp(path.join(tmpdir(), "im-tmux-"));
    const terminal = new TmuxTerminal(socketDir, path.join(socketDir, "tmux.sock"));
    // CI must be unset inside the terminal, or init (correctly) refuses to prompt.
    const shell = `env -u CI -u GITHUB_ACTIONS NO_COLOR=1 ${options.command}; echo "EXIT=$?"; sleep 300`;
    const width = String(options.width ?? 160);
    const height = String(options.height ?? 50);
    const started = await terminal.tmux("new-session", "-d", "-s", "t", "-x", width, "-y", height, shell);
    if (started.exitCode !== 0) throw new Error(`tmux did not start: ${started.stderr}`);
    return terminal;
  }

  private tmux(...args: string[]) {
    return execa(TMUX, ["-S", this.socket, ...args], { reject: false });
  }

  /** The whole screen and its scrollback, lines joined as the program wrote them. */
  async screen(): Promise<string> {
    return (await this.tmux("capture-pane", "-p", "-J", "-S", "-500", "-t", "t")).stdout;
  }

  private async until<T>(what: string, test: (screen: string) => T | undefined, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      last = await this.screen();
      const found = test(last);
      if (found !== undefined) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; screen:\n${last}`);
  }

  /** Waits until the text is among the last lines of the screen (where the active prompt is). */
  async waitFor(text: string, timeoutMs?: number): Promise<void> {
    await this.until(JSON.stringify(text), (s) => (lastLines(s, 14).includes(text) ? true : undefined), timeoutMs);
  }

  /**
   * Waits until the active question (the last line that starts with "? ") contains `prompt`.
   * A question left by Esc stays on screen above the one asked next, so only the last counts.
   */
  async waitForPrompt(prompt: string, timeoutMs?: number): Promise<string> {
    return this.until(
      `the prompt ${JSON.stringify(prompt)}`,
      (s) => {
        const active = lastLineStarting(s, "? ");
        return active?.includes(prompt) ? active : undefined;
      },
      timeoutMs,
    );
  }

  /** Literal text, typed. */
  async type(text: string): Promise<void> {
    await this.tmux("send-keys", "-t", "t", "-l", text);
  }

  /** Named keys: Enter, Escape, Down, C-c, C-u, BSpace… */
  async press(...keys: string[]): Promise<void> {
    for (const key of keys) await this.tmux("send-keys", "-t", "t", key);
  }

  /** Waits for the question, types the text (if any), presses Enter. */
  async answer(prompt: string, text?: string): Promise<void> {
    await this.waitForPrompt(prompt);
    if (text !== undefined) await this.type(text);
    await this.press("Enter");
  }

  /** In a list, moves down until the highlighted line contains `label` (then Enter picks it). */
  async highlight(label: string, maxMoves = 60): Promise<void> {
    for (let i = 0; i < maxMoves; i++) {
      const current = lastLineStarting(await this.screen(), "❯");
      if (current?.includes(label)) return;
      await this.press("Down");
      await new Promise((r) => setTimeout(r, 60));
    }
    throw new Error(`no list line with ${JSON.stringify(label)}; screen:\n${await this.screen()}`);
  }

  /** Waits for the command to end and returns its exit code. */
  async exitCode(timeoutMs = 30_000): Promise<number> {
    return this.until("the command to end", (s) => /^EXIT=(\d+)$/m.exec(s)?.[1], timeoutMs).then(Number);
  }

  async close(): Promise<void> {
    await this.tmux("kill-server");
    await rm(this.socketDir, { recursive: true, force: true });
  }
}

function lastLines(screen: string, count: number): string {
  return screen
    .split("\n")
    .filter((l) => l.trim())
    .slice(-count)
    .join("\n");
}

function lastLineStarting(screen: string, prefix: string): string | undefined {
  return screen
    .split("\n")
    .reverse()
    .find((line) => line.startsWith(prefix));
}
