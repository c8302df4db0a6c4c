import { chromium } from 'playwright-core';
const url = 'http://127.0.0.1:5199/#token=testtoken-uuuuuuuu';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const logs = [];
page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
await page.goto(url);
await page.waitForTimeout(1500);
await page.screenshot({ path: '/tmp/shots/01-start.png', fullPage: true });
const steps = process.argv.slice(2);
for (const s of steps) {
  if (s.startsWith('click:')) await page.getByRole('button', { name: s.slice(6) }).first().click();
  else if (s.startsWith('tab:')) await page.getByRole('tab', { name: s.slice(4) }).click();
  else if (s.startsWith('wait:')) await page.waitForTimeout(Number(s.slice(5)));
  else if (s.startsWith('shot:')) await page.screenshot({ path: `/tmp/shots/${s.slice(5)}.png`, fullPage: true });
  else if (s.startsWith('key:')) await page.keyboard.press(s.slice(4));
  else if (s.startsWith('pt:')) {
    const i = Number(s.slice(3));
    const p = await page.evaluate((i) => window.__workbench.scatters.label.pointToClient(i), i);
    await page.mouse.click(p.x, p.y);
  } else if (s.startsWith('file:')) await page.setInputFiles('#import-file', s.slice(5));
}
console.log(logs.join('\n'));
await browser.close();
