import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
const T = { Authorization: 'Bearer testtoken-uuuuuuuu' };
const call = async (ch, body = {}) => { const r = await fetch(`http://127.0.0.1:5199/api/${ch}`, { method: 'POST', headers: { ...T, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }); const j = await r.json(); if (!r.ok) throw new Error(JSON.stringify(j)); return j; };
const up = await (await fetch('http://127.0.0.1:5199/api/upload?name=big10k.csv', { method: 'POST', headers: { ...T, 'Content-Type': 'application/octet-stream' }, body: readFileSync('/tmp/big10k.csv') })).json();
const { dataset } = await call('datasets.import', { fileId: up.fileId, name: 'big10k-' + Date.now() });
const digits = (await call('datasets.list')).datasets.find((d) => d.name.startsWith('digits')) ?? (await call('samples.add', { name: 'digits' })).dataset;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.on('pageerror', (e) => console.log(`pageerror: ${e.message}`));
await page.goto('http://127.0.0.1:5199/#token=testtoken-uuuuuuuu');
await page.waitForTimeout(1500);
await page.getByLabel('Dataset', { exact: true }).selectOption(String(dataset.id));
await page.waitForTimeout(1500);
await page.getByRole('tab', { name: 'Label' }).click();
await page.waitForFunction(() => (window.__workbench?.scatters.label?.count() ?? 0) === 10000);
const times = [];
for (const i of [5, 77, 1234, 9999, 4321, 17]) {
  const p = await page.evaluate((r) => window.__workbench.scatters.label.pointToClient(r), i);
  if (!p) { console.log('offscreen', i); continue; }
  const t0 = Date.now();
  await page.mouse.click(p.x, p.y);
  await page.waitForFunction((r) => window.__workbench.state.pending().includes(r), i);
  times.push(Date.now() - t0);
}
console.log('click→selected ms', times.join(' '));
const t1 = Date.now(); await page.keyboard.press('n'); await page.waitForTimeout(50); console.log('suggest ms ~', Date.now() - t1);
const tm = Date.now();
for (let k = 0; k < 40; k++) await page.mouse.move(300 + k * 10, 400 + (k % 5) * 7);
console.log('40 mouse moves ms', Date.now() - tm);
await page.screenshot({ path: '/tmp/shots/20-big.png' });
await page.getByLabel('Dataset', { exact: true }).selectOption(String(digits.id));
await page.waitForTimeout(1500);
await page.getByRole('tab', { name: 'Datasets' }).click();
await page.waitForTimeout(800);
await page.screenshot({ path: '/tmp/shots/21-digits.png', fullPage: true });
await page.getByRole('tab', { name: 'Label' }).click();
await page.waitForTimeout(800);
for (const i of [0, 10]) { const p = await page.evaluate((r) => window.__workbench.scatters.label.pointToClient(r), i); await page.mouse.click(p.x, p.y); }
await page.waitForTimeout(300);
await page.screenshot({ path: '/tmp/shots/22-digits-label.png' });
await browser.close();
