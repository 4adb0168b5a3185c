// Compares an engine response to the graphql-js response for the same case.
// Required: same presence of `data`, identical `data` (including response key order), errors for exactly
// the same cases, the same multiset of error paths and the same multiset of error location lists.
// Messages may differ (but must be non-empty strings).

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function locationsKey(error) {
  const locs = Array.isArray(error?.locations) ? error.locations : [];
  // Order of locations inside one error is not significant; the set of places is.
  return JSON.stringify(locs.map((l) => [l?.line, l?.column]).sort((a, b) => a[0] - b[0] || a[1] - b[1]));
}

function pathKey(error) {
  return JSON.stringify(error?.path ?? null);
}

function multiset(keys) {
  return [...keys].sort();
}

/** Returns a list of human-readable differences (empty when the responses agree). */
export function compareResponses(expected, actual) {
  const diffs = [];
  if (actual === undefined) {
    return ['engine produced no response for this case'];
  }
  if (!isObject(actual) || 'unparsable' in actual) {
    return [`engine response is not a JSON object: ${JSON.stringify(actual).slice(0, 500)}`];
  }
  const expHasData = 'data' in expected;
  const actHasData = 'data' in actual;
  if (expHasData !== actHasData) {
    diffs.push(expHasData ? 'graphql-js has a `data` key, the engine does not' : 'the engine has a `data` key, graphql-js does not');
  } else if (expHasData && JSON.stringify(expected.data) !== JSON.stringify(actual.data)) {
    diffs.push('`data` differs (values or response key order)');
  }
  const expErrors = Array.isArray(expected.errors) ? expected.errors : [];
  const actErrors = actual.errors;
  if (actErrors !== undefined && !Array.isArray(actErrors)) {
    diffs.push('engine `errors` is not a list');
    return diffs;
  }
  const act = actErrors ?? [];
  if (actErrors !== undefined && actErrors.length === 0) {
    diffs.push('engine returned an empty `errors` list (must be omitted when there are no errors)');
  }
  if (expErrors.length > 0 && act.length === 0) {
    diffs.push('graphql-js reports errors, the engine reports none');
    return diffs;
  }
  if (expErrors.length === 0 && act.length > 0) {
    diffs.push('the engine reports errors, graphql-js reports none');
    return diffs;
  }
  for (const e of act) {
    if (!isObject(e) || typeof e.message !== 'string' || e.message === '') {
      diffs.push(`engine error without a non-empty message: ${JSON.stringify(e)}`);
    }
  }
  const ep = multiset(expErrors.map(pathKey));
  const ap = multiset(act.map(pathKey));
  if (JSON.stringify(ep) !== JSON.stringify(ap)) {
    diffs.push(`error paths differ: graphql-js ${JSON.stringify(ep)} vs engine ${JSON.stringify(ap)}`);
  }
  const el = multiset(expErrors.map(locationsKey));
  const al = multiset(act.map(locationsKey));
  if (JSON.stringify(el) !== JSON.stringify(al)) {
    diffs.push(`error locations differ ([line,column] per error): graphql-js ${JSON.stringify(el)} vs engine ${JSON.stringify(al)}`);
  }
  return diffs;
}

/** Formats a failing case for the test output. */
export function describeFailure(c, expected, actual, diffs) {
  return [
    `case ${c.id}`,
    ...diffs.map((d) => `  - ${d}`),
    'operation:',
    c.query,
    `variables: ${typeof c.variables === 'string' ? c.variables : JSON.stringify(c.variables ?? null)}`,
    `operationName: ${JSON.stringify(c.operationName ?? null)}`,
    `graphql-js: ${JSON.stringify(expected)}`,
    `engine:     ${JSON.stringify(actual)}`,
  ].join('\n');
}
