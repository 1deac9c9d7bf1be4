// FreeSWITCH array headers. A header value that starts with "ARRAY::" is not stored as text: the
// event keeps a list of items (src/switch_event.c switch_event_add_array ~963, called from
// switch_event_base_add_header ~1006). Serialisers then print that list in their own way, so they
// all read values through this module.

const PREFIX = 'ARRAY::';
const SEPARATOR = '|:';

/**
 * The items of an "ARRAY::a|:b" value, or null for an ordinary value. An empty list means
 * FreeSWITCH would not have added the header at all: "ARRAY::" alone is rejected (length < 8),
 * and leading empty items are skipped because an empty value never creates a header.
 */
export function arrayItems(value: string): string[] | null {
  if (!value.startsWith(PREFIX)) return null;
  if (value.length < PREFIX.length + 1) return [];
  const items = value.slice(PREFIX.length).split(SEPARATOR);
  const first = items.findIndex((item) => item !== '');
  return first < 0 ? [] : items.slice(first);
}

/** The flat text FreeSWITCH keeps for an array header (hp->value): the prefix only with 2+ items. */
export function flatArrayValue(items: readonly string[]): string {
  return items.length > 1 ? PREFIX + items.join(SEPARATOR) : (items[0] ?? '');
}

/** A header value as FreeSWITCH would read it back with switch_event_get_header. */
export function storedValue(value: string): string | null {
  const items = arrayItems(value);
  if (items === null) return value;
  return items.length === 0 ? null : flatArrayValue(items);
}
