/** The `p`th percentile of `xs` (nearest rank). */
export const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

/** Milliseconds as the benches print them. */
export const ms = (x: number, digits = 1): string => `${x.toFixed(digits)} ms`;

/** How long a synchronous step takes, in milliseconds. */
export function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}
