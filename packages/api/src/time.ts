/** `--since`/`--until` values: RFC 3339, Unix seconds, or a duration back from now (`10m`, `1h30m`, `90s`). */
export function parseTimeArg(text: string, now = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const d = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (d && text) return now - ((Number(d[1] ?? 0) * 60 + Number(d[2] ?? 0)) * 60 + Number(d[3] ?? 0)) * 1000;
  const t = Date.parse(text);
  if (Number.isNaN(t))
    throw new Error(
      `invalid time ${JSON.stringify(text)}: use RFC 3339, Unix seconds or a duration like 10m`,
    );
  return t;
}
