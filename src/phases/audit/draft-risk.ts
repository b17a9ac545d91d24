// A finding before ranking: a risk without its id and score, and whether growth makes it worse.
import type { Risk } from "../../contracts/audit-result.js";

export type DraftRisk = Omit<Risk, "id" | "score"> & {
  /** Does the risk get worse with traffic growth? Raises its rank at high growth targets. */
  growthSensitive: boolean;
};
