// The clients of tests/bench/compare_couchdb.sh: the same workload as
// dspt_sync_bench's, carried by PouchDB replicating to peer_server.js.
//
//   node peer_clients.js --port P --stats-port S --work DIR --answers FILE
//        --sites N --rounds R --files K --file-bytes B --concurrency C
//
// Each site has its own PouchDB on LevelDB (DIR/site-N) and its own database
// on the server. Setup puts every answer as a document (the payloads the dsptsync
// client stores, from `dspt_sync_bench answers`) and K evidence files of B
// random bytes, each a separate document with the file as an attachment. Then
// the first push: every site syncs (PouchDB.sync, both ways, one shot), C at
// a time; then R rounds in which every site changes one answer and syncs.
// Requests keep their connections alive (an http.Agent with keepAlive).
// Prints figures one a line as `name: value unit`, as dspt_sync_bench does.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');
const PouchDB = require('pouchdb-node');

function flags(argv) {
  const out = {};
  for (let i = 2; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) {
      console.error(`peer_clients: bad argument ${argv[i]}`);
      process.exit(2);
    }
    out[argv[i].slice(2)] = argv[i + 1];
  }
  for (const name of ['port', 'stats-port', 'work', 'answers', 'sites', 'rounds', 'files',
                      'file-bytes', 'concurrency']) {
    if (out[name] === undefined) {
      console.error(`peer_clients: --${name} is needed`);
      process.exit(2);
    }
  }
  return out;
}

const opts = flags(process.argv);
const sites = Number(opts.sites);
const rounds = Number(opts.rounds);
const files = Number(opts.files);
const fileBytes = Number(opts['file-bytes']);
const concurrency = Number(opts.concurrency);
const workload = JSON.parse(fs.readFileSync(opts.answers, 'utf8'));
const agent = new http.Agent({keepAlive: true, maxSockets: 64});
const fetchKeepAlive = (url, init) => PouchDB.fetch(url, {...init, agent});

function figure(name, value, unit, decimals = 1) {
  console.log(`${name}: ${value.toFixed(decimals)} ${unit}`);
}

function stats() {
  return new Promise((resolve, reject) => {
    http.get({host: '127.0.0.1', port: Number(opts['stats-port']), path: '/'}, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

async function parallel(count, width, fn) {
  let next = 0;
  const workers = [];
  for (let w = 0; w < Math.min(width, count); w++) {
    workers.push((async () => {
      while (next < count) {
        const i = next++;
        await fn(i);
      }
    })());
  }
  await Promise.all(workers);
}

function siteName(i) {
  return `site-bs${String(i + 1).padStart(4, '0')}`;
}

const local = [];
const remote = [];

async function setUp(i) {
  const db = new PouchDB(path.join(opts.work, siteName(i)));
  local[i] = db;
  remote[i] = new PouchDB(`http://127.0.0.1:${opts.port}/${siteName(i)}`,
                          {fetch: fetchKeepAlive});
  const docs = workload.answers.map((answer) => ({
    _id: `${workload.year}/answer/${answer.item}`, ...answer,
  }));
  await db.bulkDocs(docs);
  const documentItem = workload.answers[workload.answers.length - 1].item;
  for (let f = 0; f < files; f++) {
    await db.put({
      _id: `evidence/${crypto.randomUUID()}`,
      item: documentItem,
      name: `evidence-${f}.bin`,
      _attachments: {
        'content': {content_type: 'application/octet-stream', data: crypto.randomBytes(fileBytes)},
      },
    });
  }
}

async function syncSite(i) {
  const result = await local[i].sync(remote[i]);
  for (const side of [result.push, result.pull]) {
    if (side && side.errors && side.errors.length > 0) {
      throw new Error(`${siteName(i)}: ${side.errors[0]}`);
    }
  }
}

async function measured(name, fn) {
  const before = await stats();
  const start = process.hrtime.bigint();
  await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const after = await stats();
  figure(name, ms, 'ms');
  figure(`${name} wire bytes`, (after.up - before.up) + (after.down - before.down), 'bytes', 0);
  figure(`${name} HTTP requests`, after.requests - before.requests, 'requests', 0);
  return ms;
}

async function changeRoundAnswer(i, round) {
  const id = `${workload.year}/answer/${workload.round_item}`;
  const doc = await local[i].get(id);
  doc.value = workload.round_values[round - 1];
  await local[i].put(doc);
}

async function main() {
  console.log(`# CouchDB-style peer: PouchDB ${PouchDB.version} replicating to express-pouchdb ` +
              `on LevelDB; ${sites} sites, ${rounds} rounds, ${files} evidence files of ` +
              `${fileBytes} bytes per site, concurrency ${concurrency}; keep-alive on`);
  let start = process.hrtime.bigint();
  await parallel(sites, concurrency, setUp);
  figure('setup (stores, answers, evidence added)',
         Number(process.hrtime.bigint() - start) / 1e6, 'ms');
  await measured('first push', () => parallel(sites, concurrency, syncSite));
  for (let round = 1; round <= rounds; round++) {
    for (let i = 0; i < sites; i++) await changeRoundAnswer(i, round);
    await measured(`round ${round}`, () => parallel(sites, concurrency, syncSite));
  }
}

main().then(() => {
  agent.destroy();
  process.exit(0);
}, (e) => {
  console.error(`peer_clients: ${e.stack || e}`);
  process.exit(1);
});
