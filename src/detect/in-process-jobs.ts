// Rails' Active Job with no backend keeps its default :async adapter: deliver_later mails and
// perform_later jobs run on a thread pool inside the web process after the response
// (https://api.rubyonrails.org/classes/ActiveJob/QueueAdapters/AsyncAdapter.html: "a poor fit for
// production since it drops pending jobs on restart"). On Cloud Run with request-based CPU those
// threads get almost no CPU once the response is sent, and what is queued dies with the instance
// (https://cloud.google.com/run/docs/configuring/billing-settings).
import { hasPackage, type AppContext } from "./app-context.js";

/** Gems that give Active Job a queue outside the web process (sucker_punch is in-process too). */
const JOB_BACKENDS = [
  "sidekiq",
  "good_job",
  "solid_queue",
  "resque",
  "delayed_job",
  "delayed_job_active_record",
  "que",
  "sneakers",
  "shoryuken",
  "backburner",
] as const;

export interface InProcessJobsFinding {
  /** What was found, for the inventory and the design's note. */
  reason: string;
  source: string;
}

/**
 * A Rails app whose production.rb and application.rb set no queue adapter (or set :async), with no
 * job backend gem, and whose own app/ code enqueues (railsLaterCalls, read by app-context.ts).
 */
export function detectInProcessJobs(app: AppContext): InProcessJobsFinding | undefined {
  if (!hasPackage(app, "ruby", "rails") && !hasPackage(app, "ruby", "railties")) return undefined;
  const calls = app.railsLaterCalls ?? [];
  if (calls.length === 0) return undefined;
  const called = calls.map((c) => `${c.file} calls ${c.call}`).join(", ");
  if (JOB_BACKENDS.some((gem) => hasPackage(app, "ruby", gem))) return undefined;
  const file = (name: RegExp) => app.configTexts.find((c) => name.test(c.file));
  const production = file(/(^|\/)config\/environments\/production\.rb$/);
  if (!production) return undefined;
  const configs = [production, file(/(^|\/)config\/application\.rb$/)].filter((c) => c !== undefined);
  for (const config of configs) {
    const text = config.text.replace(/^\s*#.*$/gm, "");
    const adapter = /config\.active_job\.queue_adapter\s*=\s*:?(\w+)/.exec(text)?.[1];
    if (adapter && adapter !== "async") return undefined;
    if (adapter)
      return {
        reason: `Active Job's queue adapter is :async (${config.file}): ${called}, run on threads of the web process after the response`,
        source: config.file,
      };
  }
  return {
    reason: `Active Job has no queue adapter (Rails' default :async) and no job backend gem: ${called}, run on threads of the web process after the response`,
    source: `${production.file} (no active_job.queue_adapter)`,
  };
}
