// Numbers written the way Number#toLocaleString("en-US") writes them ("12,345.678"), without it:
// its first call in a process loads ICU's number formatting, ~22 ms of CPU, for commas. Like ICU,
// rounding is half away from zero on the shortest decimal form of the number (String(n)), not on
// its binary value: 1.0005 → "1.001" where toFixed(3) says "1.000". What this does not cover
// (exponent forms, -0, NaN, ±∞) is left to toLocaleString.

/** `n` with thousands separated by commas and at most `maximumFractionDigits` decimals. */
export function enUsNumber(n: number, maximumFractionDigits = 3): string {
  const text = String(Math.abs(n));
  if (!Number.isFinite(n) || Object.is(n, -0) || text.includes("e"))
    return n.toLocaleString("en-US", { maximumFractionDigits });
  const [whole, fraction = ""] = text.split(".") as [string, string?];
  let digits = `${whole}${fraction.slice(0, maximumFractionDigits).padEnd(maximumFractionDigits, "0")}`;
  if ((fraction[maximumFractionDigits] ?? "0") >= "5")
    digits = (BigInt(digits) + 1n).toString().padStart(maximumFractionDigits + 1, "0");
  const cut = digits.length - maximumFractionDigits;
  const decimals = digits.slice(cut).replace(/0+$/, "");
  const grouped = digits.slice(0, cut).replace(/\B(?=(\d{3})+$)/g, ",");
  return `${n < 0 ? "-" : ""}${grouped}${decimals ? `.${decimals}` : ""}`;
}
