import { describe, expect, it } from "vitest";
import { containsSecret, redactDeep, redactText } from "../../src/inventory/redact.js";
import { PLANTED_SECRETS } from "../fixtures/secrets.js";

describe("redactText: planted secrets", () => {
  it("covers at least 12 kinds", () =>
    expect(new Set(PLANTED_SECRETS.map((s) => s.kind)).size).toBeGreaterThanOrEqual(12));

  it.each(PLANTED_SECRETS.map((s) => [s.kind, s] as const))("%s", (kind, planted) => {
    const { text, findings } = redactText(planted.text);
    expect(text).not.toContain(planted.secret);
    expect(text).toContain(`<redacted:${kind}>`);
    expect(findings.map((f) => f.kind)).toContain(kind);
    // The index points at the secret in the original text.
    const finding = findings.find((f) => f.kind === kind)!;
    expect(planted.text.slice(finding.index)).toMatch(
      new RegExp(`^[\\s\\S]{0,40}${escape(planted.secret.slice(0, 8))}`),
    );
    expect(containsSecret(planted.text)).toBe(true);
    expect(containsSecret(text)).toBe(false);
    // Idempotent: redacting the redacted text changes nothing.
    expect(redactText(text).text).toBe(text);
  });
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("redactText: what stays readable", () => {
  it.each([
    [
      "URL user and host",
      "postgres://app:FakePassw0rd@db.internal:5432/app",
      "postgres://app:<redacted:url-password>@db.internal:5432/app",
    ],
    [
      "redis without user",
      "redis://:FakeRedisPw1@127.0.0.1:6379/0",
      "redis://:<redacted:url-password>@127.0.0.1:6379/0",
    ],
    ["mysql -p flag", "mysql -u root -pFakeMysqlPw5 app", "mysql -u root -p<redacted:password> app"],
    ["quoted assignment", 'DB_PASSWORD="Fake Pass 9" ./run', 'DB_PASSWORD="<redacted:password>" ./run'],
    ["JSON member", '{"api_key": "FakeKey00123"}', '{"api_key": "<redacted:secret>"}'],
    [
      "slack webhook keeps host",
      "https://hooks.slack.com/services/T0/B0/FAKE0",
      "https://hooks.slack.com/services/<redacted:slack-webhook>",
    ],
    [
      "auth header keeps its scheme",
      'curl -H "Authorization: Bearer FakeTok12345"',
      'curl -H "Authorization: Bearer <redacted:auth-header>"',
    ],
    [
      "curl -u keeps the user",
      "curl --user=ops:FakePw777 https://x",
      "curl --user=ops:<redacted:basic-auth> https://x",
    ],
    [
      "two secrets, one line",
      "--token FakeTok1 --password=FakePw2",
      "--token <redacted:token> --password=<redacted:password>",
    ],
  ])("%s", (_, input, expected) => {
    expect(redactText(input).text).toBe(expected);
  });
});

describe("redactText: no false positives", () => {
  it.each([
    "gunicorn app.wsgi:application -w 4 -b 0.0.0.0:8000",
    "celery -A proj beat --loglevel info",
    "celery -A app.tasks worker --concurrency 4 --loglevel info",
    "uvicorn app.main:app --host 127.0.0.1 --port 8000 --workers 4",
    "mysql -u app -p app_db < dump.sql",
    "1.18.0-rc.1+build.5",
    "*/5 * * * *",
    "0 3 * * MON-FRI",
    "python@sha256:2b7412e6465c3c7fc5bb21d3e6f1917c167358449fecac8176c6e496e5c1f05f",
    "actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11",
    "123e4567-e89b-12d3-a456-426614174000",
    "/usr/local/bin/gunicorn --config /etc/gunicorn/conf.py",
    "mysqldump --password-file /run/secrets/db app",
    "PASSWORD_FILE=/run/secrets/db_password",
    "TOKEN_URL=https://oauth2.googleapis.com/token",
    "gcloud run deploy api --set-secrets DB_PASSWORD=db-password:latest",
    "password: ${DB_PASSWORD}",
    "token: ${{ secrets.GITHUB_TOKEN }}",
    "workload_identity_provider: projects/123456789/locations/global/workloadIdentityPools/github/providers/github",
    "client = genai.Client(api_key=api_key)",
    "api_key: str = Field(default_factory=lambda: os.environ['GEMINI_API_KEY'])",
    "token = settings.gemini_token",
    "ssh deploy@app-vm-01 'sudo systemctl restart api'",
    "https://github.com/acme/web-app.git",
    "mysql://app@db:3306/app",
    "redis://localhost:6379/0",
    "GoogleCloudRunServiceAccount2024Admin",
    "ContractSummaryWorkerServiceV2Beta1",
    "env: [DATABASE_URL, SECRET_KEY, REDIS_URL, GEMINI_API_KEY]",
    "pip install -r requirements.txt && pytest -q",
    "summarise uploaded contracts",
    "secretKeyRef:",
    'curl -H "Authorization: Bearer $API_TOKEN" https://example.com',
    'curl -u "$USER:$PASS" https://example.com',
    "ps -u app -o pid,cmd",
    "useradd -u 1000 app",
  ])("%s", (input) => {
    expect(redactText(input)).toEqual({ text: input, findings: [] });
    expect(containsSecret(input)).toBe(false);
  });
});

describe("redactDeep", () => {
  const aws = PLANTED_SECRETS.find((s) => s.kind === "aws-access-key-id")!;
  const gh = PLANTED_SECRETS.find((s) => s.kind === "github-token")!;

  it("redacts strings at any depth and reports their paths", () => {
    const input = { a: [{ b: "ok" }, { c: gh.text }], d: { e: 3, f: null, g: aws.text }, h: true };
    const { value, findings } = redactDeep(input);
    expect(findings).toEqual([
      { path: "a[1].c", kind: "github-token" },
      { path: "d.g", kind: "aws-access-key-id" },
    ]);
    expect(value.a[0]).toEqual({ b: "ok" });
    expect(value.d.e).toBe(3);
    expect(value.d.f).toBeNull();
    expect(value.h).toBe(true);
    expect(JSON.stringify(value)).not.toContain(gh.secret);
    expect(JSON.stringify(value)).not.toContain(aws.secret);
    // The input is not modified.
    expect(input.a[1]).toEqual({ c: gh.text });
  });

  it("redacts object keys without naming the secret in the path", () => {
    const { value, findings } = redactDeep({ [aws.secret]: "x" });
    expect(Object.keys(value)).toEqual(["<redacted:aws-access-key-id>"]);
    expect(findings).toEqual([{ path: '["<redacted:aws-access-key-id>"]', kind: "aws-access-key-id" }]);
  });

  it("handles a bare string and leaves non-plain objects alone", () => {
    expect(redactDeep(aws.text).findings).toEqual([{ path: "", kind: "aws-access-key-id" }]);
    const date = new Date(0);
    expect(redactDeep({ date }).value.date).toBe(date);
  });
});

describe("redactText: secrets inside other text", () => {
  const texts = PLANTED_SECRETS.map((s) => s.text);
  // Prompts, cache entries and artifacts carry inventory text joined, or escaped inside JSON.
  it.each([
    ["joined by newlines", texts.join("\n")],
    ["joined into one shell line", texts.map((t) => t.replace(/\n/g, " ")).join(" && ")],
    ["JSON array", JSON.stringify(texts)],
    ["JSON-escaped inside a JSON string", JSON.stringify({ notes: texts.join("\n") }, null, 2)],
    ["twice escaped", JSON.stringify(JSON.stringify({ notes: texts.join("\n") }))],
  ])("%s", (_, text) => {
    const redacted = redactText(text).text;
    for (const planted of PLANTED_SECRETS) expect(redacted, planted.kind).not.toContain(planted.secret);
  });

  it.each([
    ["mysql -p inside JSON", '{"c": "mysql -u a -p\\"Fake9pw\\" db"}', '{"c": "mysql -u a -p<redacted:password> db"}'],
    [
      "quoted value inside JSON",
      JSON.stringify({ c: 'DB_PASSWORD="Fake9 pw" x' }),
      '{"c":"DB_PASSWORD=\\"<redacted:password>\\" x"}',
    ],
    [
      "JSON inside JSON",
      JSON.stringify({ c: '{"api_key": "Fake9pw"}' }),
      '{"c":"{\\"api_key\\": \\"<redacted:secret>\\"}"}',
    ],
    [
      "key after an escaped newline",
      JSON.stringify("line one\nAKIAFAKEFAKEFAKEFAKE"),
      '"line one\\n<redacted:aws-access-key-id>"',
    ],
  ])("%s", (_, input, expected) => expect(redactText(input).text).toBe(expected));
});
