// pg-boss burn-down: node pgboss.mjs <postgres-url> <N> <concurrency> <batchSize>
import { PgBoss } from 'pg-boss';

const [url, nArg, cArg, bArg] = process.argv.slice(2);
const N = Number(nArg), C = Number(cArg), B = Number(bArg);
const boss = new PgBoss({ connectionString: url, schema: 'pgboss_bench', max: C + 4 });
boss.on('error', (e) => console.error('pg-boss error', e.message));
await boss.start();
const q = 'noop';
await boss.deleteQueue(q).catch(() => {});
await boss.createQueue(q);
for (let i = 0; i < N; i += 5000) {
  await boss.insert(q, Array.from({ length: Math.min(5000, N - i) }, () => ({ data: {} })));
}
let done = 0;
let finish;
const finished = new Promise((r) => { finish = r; });
const t0 = performance.now();
await boss.work(q, { batchSize: B, localConcurrency: C, pollingIntervalSeconds: 0.5, burstWhenBatchFull: true }, async (jobs) => {
  done += jobs.length;
  if (done >= N) finish();
});
await finished;
const secs = (performance.now() - t0) / 1000;
console.log(`pg-boss c=${C},batch=${B} ${Math.round(N / secs)}`);
await boss.stop({ graceful: false, wait: false }).catch(() => {});
process.exit(0);
