// Drives one operation of a graphql-ws or graphql-sse client to its end, shared by the engine and platform suites.

/**
 * Collects every value of one operation; resolves with { values, error } when it completes or fails, or after `limit`
 * values (then disposes it). `onValue(value, values)` sees each value as it arrives.
 */
export function collect(client, payload, { limit, onValue } = {}) {
  return new Promise((resolve) => {
    const values = [];
    let dispose;
    let done = false;
    const finish = (error) => {
      if (done) return;
      done = true;
      resolve({ values, error });
    };
    dispose = client.subscribe(payload, {
      next: (value) => {
        values.push(value);
        onValue?.(value, values);
        if (limit !== undefined && values.length >= limit) {
          dispose?.();
          finish();
        }
      },
      error: (error) => finish(error),
      complete: () => finish(),
    });
  });
}
