// One problem a cross-check found, by key path (the loader turns it into line:column).
import type { KeyPath } from "./positions.js";

export interface CheckIssue {
  path: KeyPath;
  message: string;
}
