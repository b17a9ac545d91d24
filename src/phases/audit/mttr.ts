// Recovery times that grow with the data: a restore takes about 3 minutes a GiB by hand (copy,
// load, check), held to the longest recovery a risk may state. A multi-terabyte database (the
// inventory allows 1,000,000 GiB) would otherwise give months, which the result's schema refuses.
import { MTTR_MAX_MINUTES } from "../../contracts/audit-result.js";

export const restoreMinutes = (gib: number): number => Math.round(gib * 3);

export const sizedMttr = (min: number, max: number): { min: number; max: number } => ({
  min: Math.min(Math.round(min), MTTR_MAX_MINUTES),
  max: Math.min(Math.round(max), MTTR_MAX_MINUTES),
});
