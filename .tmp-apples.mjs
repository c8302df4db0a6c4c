const T = { Authorization: 'Bearer testtoken-uuuuuuuu', 'Content-Type': 'application/json' };
const call = async (ch, body = {}) => { const r = await fetch(`http://127.0.0.1:5199/api/${ch}`, { method: 'POST', headers: T, body: JSON.stringify(body) }); const j = await r.json(); if (!r.ok) throw new Error(JSON.stringify(j)); return j; };
const { datasets } = await call('datasets.list');
let ds = datasets.find((d) => /apple/i.test(d.name)) ?? (await call('samples.add', { name: 'apples' })).dataset;
const { labels } = await call('datasets.data', { id: ds.id });
const byClass = (c) => labels.flatMap((l, i) => (l === c ? [i] : []));
const cls = [byClass(0), byClass(1), byClass(2)];
const N = Number(process.argv[2]);
await call('constraints.clear', { datasetId: ds.id });
for (let k = 0; k < N; k++) {
  const must = k % 2 === 0;
  const c1 = k % 3, c2 = must ? c1 : (c1 + 1) % 3;
  await call('constraints.set', { datasetId: ds.id, i: cls[c1][2 * k], j: cls[c2][2 * k + 1], kind: must ? 'must' : 'cannot' });
}
for (const pre of ['none', 'zscore']) {
  const { runIds } = await call('jobs.start', { spec: { kind: 'evaluate', method: 'mmc-diagonal', datasetId: ds.id, constraintSource: 'labeled', protocol: { preprocess: pre } } });
  const { runIds: r2 } = await call('jobs.start', { spec: { kind: 'learn', method: 'mmc-diagonal', datasetId: ds.id, constraintSource: 'labeled', protocol: { preprocess: pre } } });
  for (;;) { const { run } = await call('runs.get', { runId: r2[0] }); if (!['queued', 'running'].includes(run.status)) break; await new Promise((r) => setTimeout(r, 300)); }
  const { run } = await call('runs.get', { runId: runIds[0] });
  const { run: lr } = await call('runs.get', { runId: r2[0] });
  const d = lr.metric?.shape[1]; const diag = lr.metric ? Array.from({ length: d }, (_, f) => lr.metric.M[f * d + f].toPrecision(2)) : lr.error;
  console.log(N, pre, run.status, run.evaluation?.accuracy?.mean, run.error ?? '', JSON.stringify(diag));
}
