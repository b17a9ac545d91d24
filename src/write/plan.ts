// What phases return and the writer applies. Phases never touch the target repo themselves.

export type ArtifactKind = "markdown" | "json" | "mermaid" | "yaml" | "shell" | "python" | "dockerfile" | "text";

export interface Artifact {
  /** POSIX path relative to the target repo (--out), e.g. `docs/migration/audit/risks.json`. */
  path: string;
  kind: ArtifactKind;
  /** Content without the provenance header; the writer adds it. */
  content: string;
  /** Executable bit (shell scripts). */
  executable?: boolean;
  /**
   * `create-only`: written only when no file exists at that path (e.g. a Dockerfile the user may
   * already have); an existing file is left alone and reported as `kept`.
   */
  policy?: "overwrite" | "create-only";
  /**
   * sha256 of the file on disk this content was computed from (init rewriting the inventory a
   * person edited, keeping the edit): the writer may replace exactly that file even when the
   * manifest says it was edited, and refuses if it changed since.
   */
  basedOn?: string;
  /** No provenance header (e.g. files whose format forbids comments, like requirements pins). */
  noHeader?: boolean;
}

export interface Provenance {
  toolVersion: string;
  phase: string;
  persona: string; // id@version
  provider: string;
  model: string;
  inventoryHash: string;
}

export interface Plan {
  phase: string;
  provenance: Provenance;
  artifacts: Artifact[];
}
