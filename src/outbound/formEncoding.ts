// `application/x-www-form-urlencoded` bodies: nested values flattened to bracketed keys, the
// convention PHP, Rails and Express (`qs`) decode back into the same tree:
//   {data: {model: "x", items: ["a"]}}  →  data[model]=x&data[items][0]=a
//
// Leaves: strings as-is, numbers and booleans as text, null as an empty value. An empty object
// or array also becomes an empty value, so its key still reaches the receiver.

export function encodeForm(value: unknown): string {
  const params = new URLSearchParams();
  if (isContainer(value)) {
    for (const [key, child] of entries(value)) flatten(params, key, child);
  } else {
    // Bodies are objects in practice (envelope, validated templates); a bare scalar gets a name.
    flatten(params, 'value', value);
  }
  return params.toString();
}

function flatten(params: URLSearchParams, key: string, value: unknown): void {
  if (isContainer(value)) {
    const children = entries(value);
    if (children.length === 0) params.append(key, '');
    for (const [childKey, child] of children) flatten(params, `${key}[${childKey}]`, child);
    return;
  }
  const scalar = value as string | number | boolean | bigint | null | undefined; // not a container
  params.append(key, scalar === null || scalar === undefined ? '' : String(scalar));
}

function isContainer(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

function entries(value: object): [string, unknown][] {
  return Array.isArray(value) ? value.map((child, i) => [String(i), child]) : Object.entries(value);
}
