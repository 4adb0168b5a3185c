// One fan-out client thread of bench.mjs (CLIENT_WORKERS): opens `count` graphql-transport-ws connections, subscribes each
// to the session, and per armed round reports when each `next` arrived (process.hrtime, the clock bench.mjs starts
// the round with: monotonic and shared by the process's threads).
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

const { url, token, sessionId, count } = workerData;
const query = 'subscription($id: ID!) { appPreviewSessionUpdated(id: $id) { id lastHeartbeatAt } }';
let initial = 0;
let armed = false;
let times = [];

function onNext() {
  const now = process.hrtime.bigint();
  if (!armed) {
    initial++;
    if (initial === count) parentPort.postMessage({ type: 'ready' });
    return;
  }
  times.push(Number(now));
  if (times.length === count) flush();
}

function flush() {
  armed = false;
  parentPort.postMessage({ type: 'times', times });
  times = [];
}

function connectOnce() {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'next') onNext();
      else if (message.type === 'connection_ack') resolve(socket);
      else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      else if (message.type === 'error') reject(new Error(JSON.stringify(message.payload)));
    });
    socket.on('close', (code, reason) => reject(new Error(`closed before the ack: ${code} ${reason}`)));
    socket.on('error', reject);
  });
}

async function connect() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectOnce();
    } catch (e) {
      if (attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

const sockets = [];
for (let i = 0; i < count; i += 100) {
  sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, () => connect()))));
}
parentPort.postMessage({ type: 'connected' });
for (const s of sockets) s.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: { id: sessionId } } }));

parentPort.on('message', (message) => {
  if (message.type === 'arm') {
    initial = count; // late initial states no longer count
    times = [];
    armed = true;
    parentPort.postMessage({ type: 'armed' });
  } else if (message.type === 'flush') {
    if (armed) flush(); // the round timed out: report what arrived
  } else if (message.type === 'close') {
    sockets.forEach((s) => s.close());
    setTimeout(() => process.exit(0), 500);
  }
});
