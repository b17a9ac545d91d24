// What a secret looks like. Each rule finds candidate spans; `secret` names the capture group
// that is replaced (so `postgres://app:pw@db` keeps the user and host). Earlier rules win when
// spans overlap: provider-specific shapes first, then command flags and assignments, then the
// generic high-entropy fallback.

export interface RedactionRule {
  kind: string;
  pattern: RegExp;
  /** Capture groups holding the secret, first defined one wins; 0 = the whole match. */
  secret: number[];
  /** Extra check on the secret text (and the whole match) to drop false positives. */
  accept?: (secret: string, match: string) => boolean;
}

// A quoted or bare value after `=`, `:` or a space. Bare values stop at shell/JSON punctuation.
// The first form is a double-quoted value inside JSON-escaped text (`\"pw\"`, escaped once or
// more), as in a prompt that embeds JSON.
const VALUE = String.raw`(?:\\+"([^"\\\n]*)\\+"|"([^"\n]*)"|'([^'\n]*)'|([^\s'",;&|)}\]\\]+))`;
const GROUPS = [1, 2, 3, 4];
// Where a token may start: not glued to a word, except after an escape like `\n` (prompts carry
// JSON-escaped text, where "line one\nAKIA…" would otherwise hide the key behind the `n`).
const START = String.raw`(?:(?<=\\[nrt])|(?<![A-Za-z0-9_\\]))`;
const token = (body: string, flags = "g") => new RegExp(START + body, flags);

/** An optional closing quote after a name, escaped or not: `"api_key"`, `\"api_key\"`. */
const Q = String.raw`\\*["']?`;

// Names like DB_PASSWORD, apiKey, client_secret, GITHUB_TOKEN, aws_secret_access_key.
const SECRET_NAME = String.raw`[A-Za-z0-9_.-]*(?:passw(?:or)?d|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[A-Za-z0-9_.-]*`;

/** Values that name a secret instead of holding one: `$DB_PASSWORD`, `${{ secrets.X }}`, `<redacted:…>`. */
export function isReference(value: string): boolean {
  if (value.length === 0) return true;
  // The ssh read's mask stands for a value that was there: a secret, named by the rule that finds it.
  if (value === "<redacted:vm>") return false;
  if (/^[$%<{[(*]/.test(value)) return true;
  // Secret Manager references used by `gcloud run deploy --set-secrets NAME=secret:latest`.
  if (/^[a-z0-9_-]+:(latest|\d+)$/i.test(value)) return true;
  if (/^projects\/[^/]+\/secrets\//.test(value)) return true;
  if (/^(null|none|true|false|string|required|optional|redacted|undefined)$/i.test(value)) return true;
  return false;
}

/** Code, not a literal: `settings.api_key`, `os.environ[...]`, `token` (a variable), `str`. */
function isCodeOrWord(value: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*[.([]/.test(value) || /^[A-Za-z_]+$/.test(value);
}

// Names that hold a count, a limit or a setting about secrets, not a secret: maxOutputTokens,
// tokenLimit, TOKEN_TTL, password_min_length, secretVersion.
const SETTING_NAME =
  /(tokens|count|limit|budget|length|len|size|ttl|timeout|seconds|secs|minutes|hours|days|expiry|expires|lifetime|version|rotation|max|min|rate)$/;

function assignmentAccept(secret: string, match: string): boolean {
  const name = match.slice(0, match.search(/\\*["']?[ \t]*[:=]/)).toLowerCase();
  // Where a secret lives (`PASSWORD_FILE=/run/secrets/db`, `TOKEN_URL=https://…`) is not the secret.
  if (/(file|path|dir|ref|name|env|id|url|uri|host|endpoint|type)$/.test(name) && !/private[_-]?key[_-]?id$/.test(name))
    return false;
  if (SETTING_NAME.test(name.replace(/[^a-z]/g, "")) || name.includes("tokens")) return false;
  // A number is a fact (a port, a count, a budget); only under a password's name can it be one.
  if (/^\d+(\.\d+)?$/.test(secret) && !/passw(or)?d|pwd/.test(name)) return false;
  if (isReference(secret)) return false;
  const quoted = /[:=][ \t]*\\*["']/.test(match);
  return quoted ? !/^[A-Z][A-Z0-9_]*$/.test(secret) : !isCodeOrWord(secret);
}

const hasDigitAndLetter = (s: string) => /\d/.test(s) && /[A-Za-z]/.test(s);

// "password for root is", "pwd of the app was:", "secret key = ": up to two qualifiers, then a verb.
const PROSE_LINK = String.raw`\b(?:[ \t]+(?:for|of|on|to)[ \t]+(?:the[ \t]+)?[\w@.-]+){0,2}[ \t]+(?:is|was|are|were|is now|set to|reads|equals|=|:)[ \t]*:?[ \t]+`;

// Words that follow "the password is" in prose about passwords, not in a leak of one.
const PROSE_WORDS = new Set(
  (
    "a an the in on at of from to by via not no none null empty blank unset unknown missing required optional " +
    "needed set stored kept held managed rotated changed generated random injected mounted loaded read passed " +
    "provided given supplied configured defined fetched retrieved pulled sent written saved cached logged hashed " +
    "encrypted secret secure strong weak long short valid invalid expired correct wrong same default shared used " +
    "only also never always being handled available located inside there here different unique"
  ).split(" "),
);

/** A value after "password is" that reads as the password itself, not as prose about it. */
function proseSecret(secret: string, match: string, strict: boolean): boolean {
  const bare = secret.replace(/[.…!?:]+$/, "");
  if (bare.length < 4 || isReference(bare) || PROSE_WORDS.has(bare.toLowerCase())) return false;
  // Code, not a literal: `settings.gemini_token`, `os.environ[...]`.
  if (/^[A-Za-z_][A-Za-z0-9_]*[.([]/.test(bare)) return false;
  const quoted = /["']$/.test(match.slice(0, match.lastIndexOf(secret)));
  if (quoted || hasDigitAndLetter(bare) || /[^A-Za-z0-9]/.test(bare)) return true;
  return !strict && /^[A-Za-z]+$/.test(bare) && bare.length >= 6;
}

export const REDACTION_RULES: RedactionRule[] = [
  {
    kind: "private-key",
    // Also matches keys stored inside JSON strings (literal `\n`) and a key cut off before END.
    pattern: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----(?:[\s\S]*?-----END \1PRIVATE KEY-----|[\s\S]*$)/g,
    secret: [0],
  },
  {
    kind: "jwt",
    pattern: token(String.raw`eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{8,}`),
    secret: [0],
  },
  {
    kind: "slack-webhook",
    pattern: /hooks\.slack\.com\/services\/(T[A-Za-z0-9_]+\/B[A-Za-z0-9_]+\/[A-Za-z0-9_]+)/g,
    secret: [1],
  },
  { kind: "slack-token", pattern: token("xox[abposr]-[A-Za-z0-9-]{10,}"), secret: [0] },
  { kind: "github-token", pattern: token("(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"), secret: [0] },
  { kind: "google-api-key", pattern: token("AIza[0-9A-Za-z_-]{35}"), secret: [0] },
  { kind: "google-oauth-secret", pattern: token("GOCSPX-[A-Za-z0-9_-]{28}"), secret: [0] },
  { kind: "gcp-private-key-id", pattern: /\\*"private_key_id\\*"\s*:\s*\\*"([0-9a-f]{40})/g, secret: [1] },
  {
    kind: "aws-access-key-id",
    pattern: token(String.raw`(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}(?![A-Za-z0-9])`),
    secret: [0],
  },
  {
    kind: "aws-secret-key",
    pattern: /aws_?secret_?access_?key\\*["']?[ \t]*[:=][ \t]*\\*["']?([A-Za-z0-9/+=]{40})/gi,
    secret: [1],
  },
  { kind: "stripe-key", pattern: token("[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"), secret: [0] },
  {
    kind: "openai-key",
    pattern: token("sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
    secret: [0],
    accept: (s) => hasDigitAndLetter(s.slice(3)),
  },
  {
    kind: "url-password",
    // scheme://user:pass@host (also redis://:pass@host); the user and host stay readable.
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/'"]*:([^\s@/'"]+)@[^\s@]/gi,
    secret: [1],
    accept: (s) => !isReference(s),
  },
  {
    kind: "password",
    pattern: token(String.raw`(?<!-)--?(?:password|passwd|pass)(?:=|[ \t]+)${VALUE}`, "gi"),
    secret: GROUPS,
    accept: (s) => !isReference(s) && !s.startsWith("-"),
  },
  {
    // mysql -pSECRET (no space: `-p` followed by a space prompts for the password).
    kind: "password",
    pattern: token(
      String.raw`mysql(?:dump|admin|import|check|sh)?\b[^\n;&|]*?\s-p(?!\s)(\\*"[^"\\\n]*\\*"|'[^'\n]*'|[^\s'"\\]+)`,
    ),
    secret: [1],
    accept: (s) => !isReference(s.replace(/^\\*["']|\\*["']$/g, "")),
  },
  {
    kind: "token",
    pattern: token(
      String.raw`(?<!-)--(?:token|auth-token|access-token|api-key|apikey|client-secret|secret-key)(?:=|[ \t]+)${VALUE}`,
      "gi",
    ),
    secret: GROUPS,
    accept: (s) => !isReference(s) && !s.startsWith("-"),
  },
  {
    // An HTTP credential in a command: `-H "Authorization: Bearer …"`, `Authorization: Basic …`.
    kind: "auth-header",
    pattern: /\b(?:Proxy-)?Authorization\s*:\s*(?:Bearer|Basic|Token|Bot)\s+([A-Za-z0-9._~+\/-]{8,}=*)/gi,
    secret: [1],
    accept: (s) => !isReference(s),
  },
  {
    // curl -u user:password / --user=user:password (the user stays readable).
    kind: "basic-auth",
    pattern: /(?<![\w-])(?:-u|--user)(?:=|[ \t]+)["']?[^\s:"'$]+:([^\s"']+)/g,
    secret: [1],
    accept: (s) => !isReference(s),
  },
  {
    kind: "assignment",
    pattern: new RegExp(String.raw`\b${SECRET_NAME}${Q}[ \t]*[:=][ \t]*${VALUE}`, "gi"),
    secret: GROUPS,
    accept: assignmentAccept,
  },
  {
    // A password in prose: "root password is hunter2", "the admin pwd for app was: S3cret!".
    kind: "password",
    pattern: token(String.raw`(?:passwords?|passphrase|passwd|passcode|pwd)${PROSE_LINK}${VALUE}`, "gi"),
    secret: GROUPS,
    accept: (s, match) => proseSecret(s, match, false),
  },
  {
    // Other credentials in prose need to look like one: "the API key is k3y-9fz…", quoted, or mixed.
    kind: "secret",
    pattern: token(
      String.raw`(?:secret(?:[ _-]key)?|api[ _-]?key|access[ _-]?key|(?:access |auth |bearer )?token)${PROSE_LINK}${VALUE}`,
      "gi",
    ),
    secret: GROUPS,
    accept: (s, match) => proseSecret(s, match, true),
  },
  {
    kind: "high-entropy",
    pattern: new RegExp(
      String.raw`(?:(?<=\\[nrt])|(?<![A-Za-z0-9+/_=\\-]))[A-Za-z0-9+/_=-]{32,}(?![A-Za-z0-9+/_=-])`,
      "g",
    ),
    secret: [0],
    accept: (s) => looksRandom(s),
  },
];

/** Kind of a generic assignment, from its name: DB_PASSWORD → password, GITHUB_TOKEN → token. */
export function assignmentKind(match: string): string {
  const name = match.slice(0, match.search(/\\*["']?[ \t]*[:=]/)).toLowerCase();
  if (/passw(or)?d|pwd/.test(name)) return "password";
  if (/token/.test(name)) return "token";
  return "secret";
}

export function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / s.length) * Math.log2(n / s.length);
  return bits;
}

/**
 * Random-looking: upper, lower and digits mixed, high entropy. Hex-only strings (git SHAs, image
 * digests, UUIDs) are deliberately NOT matched: they are everywhere in CI files and not secret.
 */
export function looksRandom(s: string): boolean {
  if (!/[A-Z]/.test(s) || !/[a-z]/.test(s) || !/\d/.test(s)) return false;
  if (/^[0-9a-fA-F-]+$/.test(s)) return false;
  // Paths and resource names (`projects/123/locations/global/workloadIdentityPools/…`) have
  // slashes between readable words; judge each segment on its own then.
  if (s.includes("/") && s.split("/").every((seg) => seg.length < 20 || !looksRandom(seg))) {
    return shannonEntropy(s) >= 5 && s.length >= 40;
  }
  return shannonEntropy(s) >= 4.3 && classSwitchRate(s) >= 0.45;
}

/**
 * How often neighbouring characters change class (upper/lower/digit/other). Random base62/64 text
 * switches on ~60% of positions; CamelCaseIdentifiers2024 switch only at word edges (~30%).
 */
export function classSwitchRate(s: string): number {
  const cls = (c: string) => (c >= "A" && c <= "Z" ? 1 : c >= "a" && c <= "z" ? 2 : c >= "0" && c <= "9" ? 3 : 4);
  let switches = 0;
  for (let i = 1; i < s.length; i++) if (cls(s[i]!) !== cls(s[i - 1]!)) switches++;
  return s.length > 1 ? switches / (s.length - 1) : 0;
}
