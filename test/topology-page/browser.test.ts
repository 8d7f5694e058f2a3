// The live topology page in a real browser (Debian's chromium, driven by playwright-core): after an
// end-to-end run it shows each node's counts, and it updates them in place when more records go
// through. Keeps a screenshot in test-artifacts/. Without /usr/bin/chromium this test fails: CI
// installs it (apt-get install chromium), and a skipped browser test would prove nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHECK_PATH } from '../support/service.ts';
import { runScenario, type Scenario } from '../service/observability-scenario.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');
export const SCREENSHOT = path.join(ARTIFACTS, 'topology-page.png');

let scenario: Scenario | undefined;
let context: BrowserContext | undefined;
let profile: string | undefined;

test.after(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await scenario?.stop();
});

/** The text the page wrote under a node, once it matches `pattern`. */
async function waitForLabel(page: Page, id: string, pattern: RegExp): Promise<string> {
  // an expression string: it runs in the page (the project's TypeScript has no DOM library)
  const expression = `(() => {
    const text = document.getElementById(${JSON.stringify(id)})?.querySelector('text.live')?.textContent ?? '';
    return new RegExp(${JSON.stringify(pattern.source)}).test(text) ? text : false;
  })()`;
  const handle = await page.waitForFunction(expression, undefined, { timeout: 15_000, polling: 100 });
  return String(await handle.jsonValue());
}

test('the page shows every node\'s counts after a run and updates them in place', async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); this test needs a real browser`);
  scenario = await runScenario();
  profile = await mkdtemp(path.join(tmpdir(), 'topology-page-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1400, height: 1500 },
  });
  const page = context.pages()[0] ?? await context.newPage();
  const failures: string[] = [];
  page.on('pageerror', (error) => failures.push(error.message));
  page.on('requestfailed', (request) => failures.push(`${request.url()}: ${request.failure()?.errorText}`));

  const response = await page.goto(`${scenario.service.metrics.url}/topology`);
  assert.is(response?.status(), 200);
  const statuses = scenario.statusCount;
  const sinkLabel = await waitForLabel(page, 'n_status_sink', new RegExp(`^in ${statuses} · out ${statuses} · `));
  assert.match(sinkLabel, /\/s$/);
  const demo = scenario.emulators.demo.length;
  // checked: the demo sources, the recheck and the unknown source (its verdict has no status)
  const checkLabel = await waitForLabel(page, 'n_check_source', /^in \d+/);
  assert.match(checkLabel, new RegExp(`^in ${demo + 2} · out ${demo + 2} · `), checkLabel);
  const sourceLabel = await waitForLabel(page, 'n_requests_source', /^in \d+/);
  assert.match(sourceLabel, new RegExp(`^in ${demo + 3} · out ${demo + 2} · err 1 · `), `the undecodable record is an error at the source: ${sourceLabel}`);
  assert.ok(await page.$eval('#n_requests_source', (g) => g.classList.contains('has-errors')));
  const requestsTopic = `t_${scenario.config.topics.requests.replace(/[^A-Za-z0-9]/g, '_')}`;
  assert.is(await waitForLabel(page, requestsTopic, /^lag \d+$/), 'lag 0');
  assert.match(await page.textContent('#status') ?? '', /^updated /);

  // more traffic while the page is open: the same document shows the new count
  await page.evaluate('window.marker = 42');
  const posted = await fetch(`${scenario.service.ingress!.url}${CHECK_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-rh-identity': scenario.emulators.identity.xRhIdentity },
    body: JSON.stringify({ source_id: scenario.emulators.demo[1]!.sourceId }),
  });
  assert.is(posted.status, 202);
  await posted.arrayBuffer();
  await waitForLabel(page, 'n_status_sink', new RegExp(`^in ${statuses + 1} · out ${statuses + 1} · `));
  assert.is(await page.evaluate('window.marker'), 42, 'updated in place, not reloaded');
  assert.is(await page.$$eval('#n_status_sink text.live', (labels) => labels.length), 1, 'one label per node, rewritten');

  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  console.log(`screenshot: ${path.relative(process.cwd(), SCREENSHOT)}`);
  assert.equal(failures, [], 'no script error and no failed request');
});

test.run();
