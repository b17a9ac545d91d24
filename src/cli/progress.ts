// Progress on stderr: a live table on a TTY (phase, persona, model, elapsed, tokens), redrawn by
// log-update, and plain one-line-per-event output everywhere else (CI logs, pipes, --json).
import type { PipelineEvent } from "../pipeline/run-pipeline.js";
import type { Output } from "./output.js";
import { terminal } from "./terminal.js";

interface Row {
  phase: string;
  persona: string;
  model: string;
  state: "running" | "done" | "reused" | "failed";
  started: number;
  elapsedMs?: number;
  tokens: number;
  note: string;
}

export interface Progress {
  onEvent(event: PipelineEvent): void;
  stop(): void;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * `terminalOnly`: show the live table on a terminal and nothing else elsewhere (`check`, whose
 * log should hold the verdict, not one line per phase); notices are shown either way.
 */
export async function createProgress(
  out: Output,
  stream: NodeJS.WriteStream = terminal().stderr,
  env: NodeJS.ProcessEnv = terminal().env,
  { terminalOnly = false } = {},
): Promise<Progress> {
  const live = !out.json && !out.quiet && stream.isTTY === true && env.CI !== "true" && env.TERM !== "dumb";
  const rows: Row[] = [];
  // Loaded only for a terminal: log-update and its dependencies are ~15 modules.
  const redraw = live ? (await import("log-update")).createLogUpdate(stream, { showCursor: true }) : undefined;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  const c = out.c;

  const line = (row: Row): string => {
    const elapsed = ((row.elapsedMs ?? performance.now() - row.started) / 1000).toFixed(1) + "s";
    const icon =
      row.state === "running"
        ? c.cyan(FRAMES[frame % FRAMES.length]!)
        : row.state === "failed"
          ? c.red("✗")
          : c.green("✓");
    const tokens = row.tokens ? `${row.tokens} tok` : "";
    const head = `${row.phase.padEnd(7)} ${row.persona.padEnd(32)} ${row.model.padEnd(24)} ${elapsed.padStart(6)} ${tokens.padStart(10)} `;
    // One line a phase: a row is cut to the terminal width rather than wrapped.
    const room = Math.max(0, (stream.columns || 80) - 3 - head.length);
    const note = row.note.length > room ? `${row.note.slice(0, Math.max(0, room - 1))}…` : row.note;
    const visible = `${head}${note}`.slice(0, Math.max(0, (stream.columns || 80) - 3));
    return `${icon} ${c.dim(visible)}`;
  };
  const draw = (): void => {
    redraw?.(rows.map(line).join("\n"));
    frame++;
  };
  const plain = (text: string): void => {
    if (!out.quiet && !terminalOnly) stream.write(text + "\n");
  };

  return {
    onEvent(event) {
      if (event.type === "notice") {
        redraw?.clear();
        out.warn(event.message);
        if (live) draw();
        return;
      }
      if (event.type === "model-event") {
        const row = rows.find((r) => r.phase === event.phase && r.state === "running");
        if (row) row.note = event.detail;
        if (!live) plain(`[${event.phase ?? "model"}] ${event.detail}`);
        return;
      }
      if (event.type === "phase-start") {
        rows.push({
          phase: event.phase,
          persona: event.persona,
          model: `${event.provider}/${event.model}`,
          state: "running",
          started: performance.now(),
          tokens: 0,
          note: "",
        });
        if (!live)
          plain(`[${event.phase}] start persona=${event.persona} provider=${event.provider} model=${event.model}`);
      } else if (event.type === "phase-reused") {
        rows.push({
          phase: event.phase,
          persona: "stored result",
          model: "",
          state: "reused",
          started: performance.now(),
          elapsedMs: 0,
          tokens: 0,
          note: "inputs unchanged",
        });
        if (!live) plain(`[${event.phase}] reused stored result (inputs unchanged)`);
      } else {
        const row = rows.find((r) => r.phase === event.phase);
        if (row) {
          row.elapsedMs = event.elapsedMs;
          row.state = event.type === "phase-done" ? "done" : "failed";
          if (event.type === "phase-done") {
            row.tokens = event.run.usage.totalTokens;
            row.note = event.run.cached ? "cached" : event.run.summary;
          } else row.note = "failed";
        }
        if (!live) {
          const secs = (event.elapsedMs / 1000).toFixed(2);
          plain(
            event.type === "phase-done"
              ? `[${event.phase}] done in ${secs}s tokens=${event.run.usage.totalTokens}${event.run.cached ? " (cached)" : ""}: ${event.run.summary}`
              : `[${event.phase}] failed after ${secs}s`,
          );
        }
      }
      if (live) {
        draw();
        timer ??= setInterval(draw, 100);
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      if (live && rows.length) draw();
      redraw?.done();
    },
  };
}
