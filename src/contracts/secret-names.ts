// Names that may hold a credential or half of one: a password, a key, a token, signed, hashed or
// encrypted material, a user name or login, a client or account id. Such a setting stays a Secret
// Manager secret whatever its value looks like on the VM (detect's plain-values.ts judges the
// value; the design checks the name again before it makes anything a plain env var, since a wrong
// "plain" puts a secret in a committed file).

/**
 * A name that may hold a credential (case-insensitive: env names keep the case the app reads).
 * `USER` and `LOGNAME` alone are the login the process runs as (a unit's `Environment=USER=git`),
 * not a credential; DB_USER and SMTP_USER stay secret.
 */
export const SECRET_NAME =
  /^(?!(?:USER|LOGNAME)$).*(?:PASS|PWD|PW$|PW_|SECRET|TOKEN|KEY|CREDENTIAL|AUTH|PRIVATE|SALT|CERT|DSN|SIGN|COOKIE|SESSION|WEBHOOK|HASH|CRYPT|CIPHER|SEED|PHRASE|API|ACCESS|LICEN[CS]E|OTP|PIN$|CODE$|USER|LOGIN|CLIENT|ACCOUNT|_ID$)/i;
