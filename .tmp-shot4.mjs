import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.on('pageerror', (e) => console.log(`pageerror: ${e.message}`));
await page.goto('http://127.0.0.1:5199/#token=testtoken-uuuuuuuu');
await page.getByRole('tab', { name: 'Compare' }).click();
await page.waitForTimeout(2500);
await page.screenshot({ path: '/tmp/shots/12-compare.png', fullPage: true });
await browser.close();
