// Rails' Active Job with no backend keeps its :async adapter: deliver_later mails and perform_later
// jobs run on threads of the web process after the response. init records it on the Rails web
// process only when the evidence is all there: no adapter set (or :async), no job backend gem, and
// a later-call in the app's own code (a bounded scan of app/**/*.rb).
import { describe, expect, it } from "vitest";
import { emptyContext, readAppFiles } from "../../src/detect/app-context.js";
import { detectInProcessJobs } from "../../src/detect/in-process-jobs.js";

const MAILER = "app/models/mailer.rb";
const rails = (
  production: string,
  { gems = [], application = "", calls = true }: { gems?: string[]; application?: string; calls?: boolean } = {},
) => {
  const context = emptyContext();
  for (const gem of ["rails", ...gems]) context.packages.ruby.add(gem);
  context.configTexts = [
    { file: "config/environments/production.rb", text: production },
    { file: "config/application.rb", text: application },
  ];
  if (calls) context.railsLaterCalls = [{ file: MAILER, call: "deliver_later" }];
  return context;
};

describe("detectInProcessJobs", () => {
  it.each([
    ["no adapter, no job gem, a deliver_later (Redmine)", rails("config.log_level = :info"), true],
    ["the adapter set to :async by name", rails("config.active_job.queue_adapter = :async"), true],
    ["an adapter commented out", rails("# config.active_job.queue_adapter = :sidekiq"), true],
    ["Rails 8's Solid Queue in production.rb", rails("config.active_job.queue_adapter = :solid_queue"), false],
    ["Sidekiq set in application.rb", rails("", { application: "config.active_job.queue_adapter = :sidekiq" }), false],
    ["Sidekiq in the Gemfile (Mastodon, Chatwoot, Maybe)", rails("", { gems: ["sidekiq"] }), false],
    ["GoodJob in the Gemfile", rails("", { gems: ["good_job"] }), false],
    ["delayed_job_active_record in the Gemfile", rails("", { gems: ["delayed_job_active_record"] }), false],
    ["no later-call in the app's code", rails("", { calls: false }), false],
    // :inline runs the job inside the request, which Cloud Run gives CPU.
    ["the :inline adapter", rails("config.active_job.queue_adapter = :inline"), false],
  ])("%s → %s", (_name, context, found) => {
    expect(Boolean(detectInProcessJobs(context))).toBe(found);
  });

  it("says what it read: the adapter's absence, the file and the call", () => {
    const found = detectInProcessJobs(rails(""));
    expect(found?.reason).toMatch(/no queue adapter \(Rails' default :async\) and no job backend gem/);
    expect(found?.reason).toContain("app/models/mailer.rb calls deliver_later");
    expect(found?.source).toBe("config/environments/production.rb (no active_job.queue_adapter)");
  });

  it("needs Rails and its production.rb", () => {
    const sinatra = rails("");
    sinatra.packages.ruby.delete("rails");
    expect(detectInProcessJobs(sinatra)).toBeUndefined();
    const noProduction = rails("");
    noProduction.configTexts = [];
    expect(detectInProcessJobs(noProduction)).toBeUndefined();
  });
});

describe("the scan of app/**/*.rb for later-calls", () => {
  const scan = async (files: Record<string, string>) => {
    const context = emptyContext();
    await readAppFiles(context, { files: Object.keys(files), read: async (f) => files[f] });
    return context.railsLaterCalls;
  };

  it.each([
    [
      "the first file with each call",
      {
        "app/jobs/destroy_project_job.rb": "def self.schedule(p)\n  perform_later p.id\nend",
        [MAILER]: "issue_add(user, issue).deliver_later",
        "app/models/other.rb": "x.deliver_later",
      },
      [
        { file: "app/jobs/destroy_project_job.rb", call: "perform_later" },
        { file: MAILER, call: "deliver_later" },
      ],
    ],
    ["a call in a comment is none", { [MAILER]: "# Mailer.x.deliver_later\ndeliver_now" }, []],
    [
      "code outside app/ is not read",
      { "lib/tasks/email.rake": "x.deliver_later", "vendor/x.rb": "perform_later" },
      undefined,
    ],
    ["a name that only starts the same", { [MAILER]: "deliver_later_with_retry" }, []],
  ])("%s", async (_name, files, calls) => {
    expect(await scan(files)).toEqual(calls);
  });

  it("reads a bounded number of files", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 500; i++) files[`app/models/m${String(i).padStart(3, "0")}.rb`] = "";
    files["app/models/m499.rb"] = "x.deliver_later";
    expect(await scan(files)).toEqual([]);
  });
});
