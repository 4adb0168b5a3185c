// A raw graphql-transport-ws socket for protocol tests (close codes, message order), shared by the engine and platform
// suites. `WebSocket` is the `ws` class of the calling suite (each suite installs its own node_modules).

/** Opens `url` with `protocol` (null: none) and queues every JSON message; returns { socket, opened, closed, send, next }. */
export function rawSocket(WebSocket, url, protocol = 'graphql-transport-ws') {
  const socket = new WebSocket(url, protocol === null ? undefined : protocol);
  const messages = [];
  const waiters = [];
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)));
    waiters.splice(0).forEach((w) => w());
  });
  const closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const opened = new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    closed,
    opened,
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    async next(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length === 0) {
        if (Date.now() > deadline) throw new Error('no message in time');
        await new Promise((r) => { waiters.push(r); setTimeout(r, 50); });
      }
      return messages.shift();
    },
  };
}
