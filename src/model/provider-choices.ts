// The providers a person can choose (`--provider`, INFRA_MIGRATE_PROVIDER, `provider:` in the
// config, init's question). Dependency-free: the CLI's option definitions load it for `--help`.
export const PROVIDER_CHOICES = ["auto", "gemini", "offline", "replay"] as const;
export type ProviderChoice = (typeof PROVIDER_CHOICES)[number];
