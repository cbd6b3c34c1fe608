/** One value of a key's `meta`. */
export type MetaValue = string | number | boolean | null;

/** A meta value as a person types it: a number, true, false or null as JSON; a quoted JSON string unquoted; any other text as it is. */
export function metaValue(text: string): MetaValue {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed === 'boolean' || (typeof parsed === 'number' && Number.isFinite(parsed))) return parsed;
    if (typeof parsed === 'string' && text.trimStart().startsWith('"')) return parsed;
  } catch {
    // Not JSON: text.
  }
  return text;
}

/** A meta value as it can be typed back: text that would read as something else is quoted. */
export function metaText(value: MetaValue): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  return metaValue(value) === value ? value : JSON.stringify(value);
}
