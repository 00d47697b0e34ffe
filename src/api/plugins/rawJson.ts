// The event's `data` is stored as the exact JSON text the caller sent: numbers
// beyond double precision and key order survive, and signatures stay byte-stable across retries.
// JSON.parse has already proven the body valid; this only finds where a top-level member's value
// starts and ends.

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return i;
}

function skipString(text: string, i: number): number {
  // text[i] is the opening quote; returns the index after the closing quote.
  for (i++; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  throw new Error('unterminated string');
}

function skipValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') return skipString(text, i);
  if (first === '{' || first === '[') {
    let depth = 0;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        i = skipString(text, i) - 1;
      } else if (c === '{' || c === '[') {
        depth++;
      } else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    throw new Error('unterminated container');
  }
  // number, true, false, null
  while (i < text.length && !',}] \n\r\t'.includes(text[i])) i++;
  return i;
}

/** The exact source text of `member` in a JSON object's top level, or undefined if absent. */
export function rawMember(json: string, member: string): string | undefined {
  let i = skipWhitespace(json, 0);
  if (json[i] !== '{') return undefined;
  i = skipWhitespace(json, i + 1);
  let found: string | undefined;
  while (i < json.length && json[i] !== '}') {
    const keyEnd = skipString(json, i);
    const key = JSON.parse(json.slice(i, keyEnd)) as string;
    i = skipWhitespace(json, keyEnd);
    i = skipWhitespace(json, i + 1); // past ':'
    const valueEnd = skipValue(json, i);
    // JSON.parse keeps the last duplicate key; so does this.
    if (key === member) found = json.slice(i, valueEnd);
    i = skipWhitespace(json, valueEnd);
    if (json[i] === ',') i = skipWhitespace(json, i + 1);
  }
  return found;
}
