// PHP's own limits on a PHP web process (php.ini, its conf.d files, a PHP-FPM pool's php_value /
// php_admin_value, Apache's php_value): what uploads, memory and request time PHP allowed on the VM.
// They matter for the move because the container's PHP starts from other values, and because PHP
// caps uploads again behind the web front: a 100 MiB nginx limit in front of PHP's 2 MiB
// upload_max_filesize takes 2 MiB uploads, not 100.
import { z } from "zod";

/**
 * A size as php.ini writes it: digits with an optional K, M or G (powers of 1024, any case), or
 * plain bytes; -1 or 0 mean no limit where PHP says so (https://php.net/ini_parse_quantity).
 */
export const PHP_SIZE = /^-?\d+[KMGkmg]?$/;
const phpSize = z
  .union([z.string().trim().regex(PHP_SIZE, 'expected a php.ini size such as "64M", "512K" or "-1"'), z.number().int()])
  .transform(String);

export const phpIniSchema = z.looseObject({
  uploadMaxFilesize: phpSize.optional(),
  postMaxSize: phpSize.optional(),
  memoryLimit: phpSize.optional(),
  /** Seconds; 0 = no limit. */
  maxExecutionTime: z.number().int().min(0).max(1_000_000).optional(),
  maxInputVars: z.number().int().positive().max(100_000_000).optional(),
  /**
   * The extensions the VM's PHP loads for this process (`extension=apcu.so` in its php.ini and scan
   * folder: Debian's conf.d links to mods-available): the app may rely on more than composer.json
   * requires (a cache backend its config names, APCu or phpredis), so the image loads them too.
   */
  extensions: z
    .array(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "expected an extension name such as apcu"))
    .max(100)
    .optional(),
  /**
   * The VM's PHP sets `apc.enable_cli=1` (Debian's mods-available/apcu.ini, shared by the CLI and
   * PHP-FPM, or the CLI's own conf.d): APCu also works in PHP's CLI there. An app whose cache
   * backend is APCu (Nextcloud's `memcache.local`) fails in its CLI jobs (cron.php, occ) without it,
   * so the image sets it when the app runs PHP CLI jobs.
   */
  apcEnableCli: z.literal(true).optional(),
});
export type PhpIni = z.infer<typeof phpIniSchema>;

/** The inventory's keys and the php.ini directives they hold. */
export const PHP_INI_KEYS = {
  uploadMaxFilesize: "upload_max_filesize",
  postMaxSize: "post_max_size",
  memoryLimit: "memory_limit",
  maxExecutionTime: "max_execution_time",
  maxInputVars: "max_input_vars",
} as const satisfies Record<keyof PhpIni & string, string>;

/**
 * PHP's compiled-in values (php-src main/main.c; php.net/manual/en/ini.core.php): what applies
 * when no file sets a directive. The official php image ships no php.ini at all, only the
 * php.ini-production and -development templates (github.com/docker-library/php README).
 */
export const PHP_DEFAULTS = {
  uploadMaxFilesize: "2M",
  postMaxSize: "8M",
  memoryLimit: "128M",
  maxExecutionTime: 30,
  maxInputVars: 1000,
} as const satisfies Required<Pick<PhpIni, keyof typeof PHP_INI_KEYS>>;

const UNITS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/**
 * Bytes of a php.ini quantity as PHP reads it (ini_parse_quantity): decimal, hex (0x), octal
 * (0o, or a leading 0) or binary (0b) digits, then an optional k/m/g. Undefined when PHP would
 * warn and fall back (no digits, an unknown unit): the VM's value is then not known here.
 */
export function phpQuantity(text: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]+|0|[1-9]\d*)([kKmMgG]?)$/.exec(text.trim());
  if (!m) return undefined;
  const digits = m[2]!;
  const value = /^0[xX]/.test(digits)
    ? parseInt(digits.slice(2), 16)
    : /^0[oO]/.test(digits)
      ? parseInt(digits.slice(2), 8)
      : /^0[bB]/.test(digits)
        ? parseInt(digits.slice(2), 2)
        : /^0\d/.test(digits)
          ? parseInt(digits.slice(1), 8)
          : Number(digits);
  const bytes = value * (UNITS[m[3]!.toLowerCase()] ?? 1);
  return m[1] === "-" ? -bytes : bytes;
}

/** A quantity in the inventory's form: as written when it is plain ("64M", "-1"), else in bytes. */
export function normalPhpSize(text: string): string | undefined {
  const trimmed = text.trim();
  if (/^(-?[1-9]\d*[KMGkmg]?|0|-1)$/.test(trimmed)) return trimmed.replace(/[kmg]$/, (u) => u.toUpperCase());
  const bytes = phpQuantity(trimmed);
  return bytes === undefined ? undefined : String(bytes);
}

export type PhpBodyLimit = number | "unlimited";
const MIB = 1024 * 1024;
const toMiB = (bytes: number) => Math.max(0.01, Math.round((bytes / MIB) * 100) / 100);

/**
 * The largest request body PHP takes, in MiB: the smaller of upload_max_filesize (one file) and
 * post_max_size (the whole body); PHP ignores either when it is 0 or less (main/rfc1867.c checks
 * `upload_max_filesize > 0`, SAPI.c `post_max_size > 0`). A directive the VM does not set has PHP's default.
 */
export function phpBodyLimitMiB(ini: PhpIni): PhpBodyLimit {
  const limits = [ini.uploadMaxFilesize ?? PHP_DEFAULTS.uploadMaxFilesize, ini.postMaxSize ?? PHP_DEFAULTS.postMaxSize]
    .map((v) => phpQuantity(v))
    .filter((b): b is number => b !== undefined && b > 0);
  return limits.length ? toMiB(Math.min(...limits)) : "unlimited";
}

/** "upload_max_filesize 10M, post_max_size 10M": the settings as php.ini names them. */
export function describePhpIni(ini: PhpIni): string {
  return Object.entries(PHP_INI_KEYS)
    .filter(([key]) => ini[key as keyof PhpIni] !== undefined)
    .map(([key, directive]) => `${directive} ${ini[key as keyof PhpIni]}`)
    .join(", ");
}
