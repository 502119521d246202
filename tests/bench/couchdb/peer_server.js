// The CouchDB-style server of tests/bench/compare_couchdb.sh: express-pouchdb
// on LevelDB, one database per site, on 127.0.0.1 with an ephemeral port.
// Counts the HTTP requests it answers and the bytes its sockets carry (headers
// and bodies as sent, both ways), and reports them on a second port, so that
// reading the counts is not counted.
//
//   node peer_server.js DATA_DIR
// prints "listening PORT STATS_PORT" once both listen; stops on SIGTERM.
'use strict';
const http = require('http');
const path = require('path');
const express = require('express');
const PouchDB = require('pouchdb-node');
const expressPouchdb = require('express-pouchdb');

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('usage: node peer_server.js DATA_DIR');
  process.exit(2);
}
const ServerPouch = PouchDB.defaults({prefix: path.join(dataDir, 'db-')});

const counts = {requests: 0, closedUp: 0, closedDown: 0};
const live = new Set();

const app = express();
app.use((req, res, next) => {
  counts.requests += 1;
  next();
});
app.use(expressPouchdb(ServerPouch, {
  mode: 'minimumForPouchDB',
  configPath: path.join(dataDir, 'config.json'),
  logPath: path.join(dataDir, 'log.txt'),
}));

const server = http.createServer(app);
server.keepAliveTimeout = 60000;
server.on('connection', (socket) => {
  live.add(socket);
  socket.on('close', () => {
    counts.closedUp += socket.bytesRead;
    counts.closedDown += socket.bytesWritten;
    live.delete(socket);
  });
});

const stats = http.createServer((req, res) => {
  let up = counts.closedUp;
  let down = counts.closedDown;
  for (const socket of live) {
    up += socket.bytesRead;
    down += socket.bytesWritten;
  }
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify({requests: counts.requests, up, down}));
});

server.listen(0, '127.0.0.1', () => {
  stats.listen(0, '127.0.0.1', () => {
    console.log(`listening ${server.address().port} ${stats.address().port}`);
  });
});
process.on('SIGTERM', () => {
  stats.close();
  server.close();
  for (const socket of live) socket.destroy();
  process.exit(0);
});
