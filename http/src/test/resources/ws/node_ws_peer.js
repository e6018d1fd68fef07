// Node's `ws` (npm) against jasyncio's WebSockets, run by hand (not in CI: it needs npm):
//
//   mkdir /tmp/ws-node && (cd /tmp/ws-node && npm install ws)
//   bin/jasyncio web-server --port 8080 &        # its /ws is an echo
//   NODE_PATH=/tmp/ws-node/node_modules node http/src/test/resources/ws/node_ws_peer.js client ws://127.0.0.1:8080/ws
//   NODE_PATH=/tmp/ws-node/node_modules node http/src/test/resources/ws/node_ws_peer.js server 8090
//       (an echo server for jasyncio's client; Ctrl-C ends it)
//
// The client mode prints OK/FAIL per check and exits 0 when every check passed.
'use strict';
const WebSocket = require('ws');

let failures = 0;
function check(name, ok, detail) {
  console.log((ok ? 'OK ' : 'FAIL ') + name + (ok ? '' : ': ' + detail));
  if (!ok) failures++;
}

function next(ws) {
  return new Promise((resolve) => ws.once('message', (data, isBinary) => resolve({ data, isBinary })));
}

async function session(url, compress) {
  const tag = compress ? 'compressed ' : '';
  const ws = new WebSocket(url, { perMessageDeflate: compress ? { threshold: 0 } : false });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  check(tag + 'negotiation', (ws.extensions || '').includes('permessage-deflate') === compress, ws.extensions);
  ws.send('hello κόσμε');
  let m = await next(ws);
  check(tag + 'text', !m.isBinary && m.data.toString() === 'hello κόσμε', m.data.toString());
  const bin = Buffer.alloc(200000, 7);
  ws.send(bin);
  m = await next(ws);
  check(tag + 'binary 200000', m.isBinary && Buffer.compare(m.data, bin) === 0, m.data.length);
  // fragmented: three frames of one message
  ws.send('frag', { fin: false });
  ws.send('men', { fin: false });
  ws.send('ted', { fin: true });
  m = await next(ws);
  check(tag + 'fragmented', m.data.toString() === 'fragmented', m.data.toString());
  const pong = new Promise((resolve) => ws.once('pong', resolve));
  ws.ping('are you there');
  const p = await pong;
  check(tag + 'ping/pong', p.toString() === 'are you there', p.toString());
  const closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason })));
  ws.close(4000, 'node leaves');
  const c = await closed;
  check(tag + 'close code echoed', c.code === 4000, c.code);
}

async function client(url) {
  await session(url, false);
  await session(url, true);
  console.log('DONE ' + failures + ' failures');
  process.exit(failures ? 1 : 0);
}

function server(port) {
  const wss = new WebSocket.Server({ host: '127.0.0.1', port, perMessageDeflate: { threshold: 0 } });
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      if (!isBinary && data.toString() === 'close-me') ws.close(4001, 'bye');
      else ws.send(data, { binary: isBinary });
    });
    ws.on('close', (code) => console.log('closed ' + code));
  });
  wss.on('listening', () => console.log('PORT ' + wss.address().port));
}

if (process.argv[2] === 'client') client(process.argv[3]).catch((e) => { console.log('FAIL ' + e); process.exit(1); });
else server(Number(process.argv[3] || 0));
