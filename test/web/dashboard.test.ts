/**
 * The dashboard in a real browser (Debian's chromium driven by playwright-core) against the real
 * server on an ephemeral port, over a store made from a real sample: the overview lists the
 * sample's groups, a group's tree is drawn with the analyzer's routers and links, the time slider
 * shows membership as it was, and a change published through the hub appears without a reload.
 * Screenshots go to test-artifacts/.
 *
 * Skips (saying why) only when /usr/bin/chromium is missing outside CI; under CI it must run.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { NetworkSnapshot } from '../../shapes/snapshot.js';
import type { TimeRange } from '../../shapes/records.js';
import { isRoutable } from '../../capture/model/trees.js';
import { startServer, type RunningServer } from '../../cli/commands/serve.js';
import { makeSampleStore, type SampleStore } from '../server/routes/sample-store.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
// setup.sh installs chromium; only a machine set up by hand, outside CI, may lack it.
const missingBrowser = !existsSync(CHROMIUM) && !process.env['CI'];
const skip = missingBrowser ? `${CHROMIUM} is not installed (./setup.sh installs it); browser tests skipped` : false;

let sample: SampleStore;
let server: RunningServer;
let browser: Browser;
let page: Page;
let end: NetworkSnapshot;
/** A moment when a routable group has a tree (or members): the group tests look there. */
let moment: Awaited<ReturnType<SampleStore['groupMoment']>>;
const pageErrors: string[] = [];

const routerName = (snapshot: NetworkSnapshot, id: string) => snapshot.routers.find((router) => router.id === id)?.name ?? id;


async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
}

/** The `at` parameter of the page's URL (#/view?at=T), or null. */
function momentInUrl(): string | null {
  return new URLSearchParams(page.url().split('?')[1] ?? '').get('at');
}

async function texts(selector: string): Promise<string[]> {
  return (await page.locator(selector).allTextContents()).map((text) => text.trim());
}

describe('dashboard in chromium', { skip }, () => {
  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    sample = await makeSampleStore();
    end = await sample.analyzerSnapshot();
    moment = await sample.groupMoment();
    server = await startServer(sample.store, { port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await sample?.close();
  });

  test('the overview opens a finished capture at its busiest moment and lists its groups, links and routers', async () => {
    const range = await (await fetch(`${server.url}api/range`)).json() as TimeRange;
    assert.ok(range.busiest !== null && range.busiest > range.start! && range.busiest < range.end!, JSON.stringify(range));
    await page.goto(server.url);
    await page.locator('#live-status.status-live').waitFor();
    await page.locator('#groups table').waitFor();
    assert.doesNotMatch(await page.locator('#time-label').textContent() ?? '', /end of data/, 'not the empty end of the capture');
    assert.equal(momentInUrl(), String(range.busiest), 'the URL names the moment shown');
    const busiest = await sample.analyzerSnapshot(range.busiest);
    const routableGroups = (state: NetworkSnapshot) => [...new Set([...state.memberships, ...state.flows, ...state.trees, ...state.joins].map((row) => row.group))].filter(isRoutable).sort();
    assert.deepEqual((await texts('a.group-link')).sort(), routableGroups(busiest));
    assert.ok(busiest.memberships.filter((entry) => isRoutable(entry.group)).length > end.memberships.filter((entry) => isRoutable(entry.group)).length, 'more members than at the end');
    const links = await texts('#links tbody tr td:first-child strong');
    assert.deepEqual(links.sort(), busiest.links.map((link) => link.name).sort());
    // Routers by name where a router is meant: the DR column.
    const drs = await texts('#links tbody tr td:nth-child(4)');
    const owner = (address: string) => busiest.routers.find((router) => router.interfaces.some((entry) => entry.addresses.includes(address)));
    const expectedDrs = busiest.links.slice().sort((a, b) => a.name.localeCompare(b.name))
      .map((link) => (link.dr === null ? '–' : owner(link.dr)?.name ?? owner(link.dr)?.id ?? link.dr));
    assert.ok(expectedDrs.some((name, index) => name !== '–' && name !== busiest.links.slice().sort((a, b) => a.name.localeCompare(b.name))[index]!.dr), 'some DR is named by its router, not its address');
    assert.deepEqual(drs, expectedDrs);
    const events = await texts('#recent-events tbody td:nth-child(4)');
    assert.ok(events.every((group) => group === '' || isRoutable(group)), `link-local events shown by default: ${events.join(' ')}`);
    await screenshot('overview.png');
    assert.deepEqual(pageErrors, []);
  });

  test('a group\'s tree is drawn with the analyzer\'s routers and links, RP marked', async () => {
    const { at, group, snapshot } = moment;
    await page.goto(`${server.url}#/group/${encodeURIComponent(group)}?at=${at}`);
    const trees = snapshot.trees.filter((tree) => tree.group === group);
    assert.ok(trees.length > 0);
    await page.locator('svg.tree-graph').waitFor();
    const routers = new Set(trees.flatMap((tree) => [...tree.nodes.map((node) => node.router), ...tree.edges.map((edge) => edge.router)]));
    const links = new Set(trees.flatMap((tree) => [...tree.edges.flatMap((edge) => [edge.out, edge.in]), ...tree.nodes.map((node) => node.in)]).filter((link): link is string => link !== null));
    const shownRouters = await page.locator('svg.tree-graph g[data-kind=router]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-node')));
    const shownLinks = await page.locator('svg.tree-graph g[data-kind=link]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-node')));
    assert.deepEqual(shownRouters.sort(), [...routers].map((id) => routerName(snapshot, id)).sort());
    assert.deepEqual(shownLinks.sort(), [...links].sort());
    const rp = trees.flatMap((tree) => tree.nodes).find((node) => node.isRp);
    if (rp) assert.match(await page.locator(`svg.tree-graph g[data-node="${routerName(snapshot, rp.router)}"]`).textContent() ?? '', /RP/);
    // Every outgoing edge of the analyzer's trees is drawn router → link in its own state: RP-tree
    // edges dashed, shortest-path edges solid, grey only where no data flows on it.
    const edges = await page.locator('svg.tree-graph path.edge').evaluateAll((paths) => paths.map((path) => ({
      key: `${path.getAttribute('data-from')}>${path.getAttribute('data-to')}`, kinds: path.getAttribute('data-kinds') ?? '', state: path.getAttribute('data-state'),
      dashed: getComputedStyle(path).strokeDasharray !== 'none', stroke: getComputedStyle(path).stroke,
    })));
    let carrying = 0;
    for (const tree of trees) {
      for (const edge of tree.edges) {
        const drawn = edges.find((entry) => entry.key === `${routerName(snapshot, edge.router)}>${edge.out}` && entry.kinds.split('+').includes(tree.kind));
        assert.ok(drawn, `${edge.router} → ${edge.out} (${tree.kind})`);
        if (!edge.carriesData) continue;
        carrying++;
        assert.notEqual(drawn.state, 'no-data', `${drawn.key} (${tree.kind}) carries data`);
        assert.notEqual(drawn.stroke, 'rgb(156, 163, 175)', `${drawn.key} (${tree.kind}) is drawn grey though it carries data`);
        assert.equal(drawn.dashed, tree.kind === 'RPT', `${drawn.key} is a ${tree.kind} edge`);
      }
    }
    assert.ok(carrying > 0, 'no data-carrying edge at this moment to check');
    await page.locator('#members-chart').waitFor();
    await page.waitForTimeout(300);
    // Both charts on one time span; member counts in whole steps; overlapping series told apart.
    const charts = await page.evaluate(() => ['members-chart', 'rate-chart'].map((id) => {
      const chart = (window as unknown as { Chart: { getChart(canvas: HTMLElement): { scales: Record<string, { min: number; max: number; ticks: { value: number }[] }>; data: { datasets: { borderDash?: number[] }[] } } | undefined } })
        .Chart.getChart(document.getElementById(id)!);
      return chart && { min: chart.scales['x']!.min, max: chart.scales['x']!.max, yTicks: chart.scales['y']!.ticks.map((tick) => tick.value), dashes: chart.data.datasets.map((set) => JSON.stringify(set.borderDash ?? [])) };
    }));
    assert.ok(charts[0] && charts[1], 'both charts drawn');
    assert.deepEqual([charts[0].min, charts[0].max], [charts[1].min, charts[1].max]);
    assert.ok(charts[0].yTicks.every((value) => Number.isInteger(value)), charts[0].yTicks.join(' '));
    assert.equal(new Set(charts[0].dashes).size, Math.min(charts[0].dashes.length, 4), 'each member series its own dash');
    await screenshot('group-tree.png');
    assert.deepEqual(pageErrors, []);
  });

  test('the time slider shows membership as it was', async () => {
    const membersAt = (state: NetworkSnapshot, group: string) => state.memberships.filter((entry) => entry.group === group).map((entry) => entry.link).sort().join();
    // A moment when a routable group's members differ from the end of the data.
    const span = sample.capture.endTime! - sample.capture.startTime!;
    let found: { at: number; group: string; snapshot: NetworkSnapshot } | null = null;
    for (const fraction of [0.5, 0.3, 0.7, 0.1, 0.9]) {
      const at = sample.capture.startTime! + span * fraction;
      const snapshot = await sample.analyzerSnapshot(at);
      const group = snapshot.memberships.map((entry) => entry.group).find((candidate) => isRoutable(candidate) && membersAt(snapshot, candidate) !== membersAt(end, candidate));
      if (group !== undefined) {
        found = { at, group, snapshot };
        break;
      }
    }
    assert.ok(found, 'the members of a routable group differ from the end at some moment of the sample');
    const { at, group, snapshot } = found;
    const shown = () => page.evaluate(() => [...document.querySelectorAll('#memberships tbody tr td:first-child')]
      .map((cell) => cell.textContent?.trim() ?? '').filter((text) => text !== 'no members').sort().join());
    // The group's page at the end of the data, then the slider dragged to the moment: membership as it was then.
    await page.goto(`${server.url}#/group/${encodeURIComponent(group)}`);
    await page.locator('#time-live').click();
    await page.locator('#memberships table').waitFor();
    await page.waitForFunction((expected) => [...document.querySelectorAll('#memberships tbody tr td:first-child')]
      .map((cell) => cell.textContent?.trim() ?? '').filter((text) => text !== 'no members').sort().join() === expected, membersAt(end, group), { timeout: 10_000 });
    await page.locator('#time-slider').evaluate((input, moment) => {
      (input as HTMLInputElement).value = String(moment);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, at);
    await page.waitForFunction((expected) => [...document.querySelectorAll('#memberships tbody tr td:first-child')]
      .map((cell) => cell.textContent?.trim() ?? '').filter((text) => text !== 'no members').sort().join() === expected, membersAt(snapshot, group), { timeout: 10_000 });
    assert.equal(await shown(), membersAt(snapshot, group));
    assert.doesNotMatch(await page.locator('#time-label').textContent() ?? '', /end of data/);
    await screenshot('group-replay.png');
    // Replay: play moves the moment forward on its own, pause stops it.
    const before = await page.locator('#time-slider').inputValue();
    await page.locator('#time-play').click();
    await page.waitForFunction((start) => Number((document.querySelector('#time-slider') as HTMLInputElement).value) > Number(start), before, { timeout: 5000 });
    await page.locator('#time-play').click();
    await page.locator('#time-live').click();
    await page.waitForFunction((expected) => [...document.querySelectorAll('#memberships tbody tr td:first-child')]
      .map((cell) => cell.textContent?.trim() ?? '').filter((text) => text !== 'no members').sort().join() === expected, membersAt(end, group), { timeout: 10_000 });
  });

  test('the URL keeps the moment chosen: a reload, or the link shared, shows the same moment', async () => {
    const dragged = sample.capture.startTime! + (sample.capture.endTime! - sample.capture.startTime!) * 0.4;
    await page.goto(`${server.url}#/`);
    await page.locator('#time-slider').evaluate((input, moment) => {
      (input as HTMLInputElement).value = String(moment);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, dragged);
    // The range input keeps the value to its own precision: the moment is what it holds.
    await page.waitForFunction((moment) => {
      const shown = /^#\/\?at=([\d.]+)$/.exec(location.hash)?.[1];
      return shown !== undefined && Math.abs(Number(shown) - moment) < 0.01;
    }, dragged, { timeout: 5000 });
    const at = Number(momentInUrl());
    const label = await page.locator('#time-label').textContent();
    const groups = await (await fetch(`${server.url}api/groups?at=${at}&routable=true`)).json() as { items: { group: string }[] };
    await page.reload();
    await page.locator('#groups table').waitFor();
    assert.equal(momentInUrl(), String(at));
    assert.equal(await page.locator('#time-label').textContent(), label);
    assert.equal(Number(await page.locator('#time-slider').inputValue()), at);
    await page.waitForFunction((count) => document.querySelectorAll('a.group-link').length === count, groups.items.length, { timeout: 10_000 });
    assert.deepEqual(await texts('a.group-link'), groups.items.map((entry) => entry.group));
    // Another view keeps the moment; following the end again drops it from the URL.
    await page.locator('nav a', { hasText: 'Events' }).click();
    await page.waitForFunction((moment) => location.hash === `#/events?at=${moment}`, String(at), { timeout: 5000 });
    await page.locator('#time-live').click();
    await page.waitForFunction(() => location.hash === '#/events', null, { timeout: 5000 });
    assert.deepEqual(pageErrors, []);
  });

  test('a change published through the hub appears without a reload', async () => {
    await page.goto(`${server.url}#/`);
    await page.locator('#time-live.active').waitFor();
    await page.locator('#recent-events tbody tr').first().waitFor();
    const marker = await page.evaluate(() => performance.timeOrigin);
    server.app.hub.publishChange({
      captureId: null, time: sample.capture.endTime! + 1, area: 'membership', kind: 'group-added', link: 'lan-live-test', group: '239.77.77.77', source: null,
      detail: { mode: 'EXCLUDE', reporter: '<img src=x onerror=alert(1)>' },
    });
    const row = page.locator('#recent-events tbody tr', { hasText: '239.77.77.77' });
    await row.waitFor({ timeout: 5000 });
    assert.match(await row.textContent() ?? '', /lan-live-test/);
    // The refresh that follows live changes keeps it: the store has not got it (yet).
    await page.waitForTimeout(1500);
    assert.equal(await row.count(), 1);
    // Packet-borne text is text, never markup.
    assert.equal(await page.locator('#recent-events img').count(), 0);
    assert.equal(await page.evaluate(() => performance.timeOrigin), marker, 'the page was not reloaded');
    await screenshot('overview-live.png');
    assert.deepEqual(pageErrors, []);
  });

  test('findings: those holding at the moment shown, each with its place and rule; all of the capture; by severity; counted on the overview', async () => {
    const all = (await sample.store.findings({ limit: 1000, offset: 0 })).items;
    const ignored = all.find((finding) => finding.kind === 'tree.prune-ignored' && finding.until !== null && finding.until - finding.at > 20);
    assert.ok(ignored, 'the sample has a lasting branch the RP forwards on after a Prune (r2-r4)');
    const at = ignored.at + 10;
    const holding = all.filter((finding) => finding.at <= at && (finding.until === null || finding.until >= at));
    await page.goto(`${server.url}#/findings?at=${at}`);
    await page.locator('#finding-list tbody tr').first().waitFor();
    await page.waitForFunction((count) => document.querySelectorAll('#finding-list tbody tr').length === count, holding.length, { timeout: 10_000 });
    const rows = await texts('#finding-list tbody tr');
    const row = rows.find((text) => text.includes('tree.prune-ignored') && text.includes(ignored.link!));
    assert.ok(row, rows.join('\n'));
    assert.match(row, /RFC 7761 §4\.5\.3/);
    await screenshot('findings.png');
    await page.locator('#filter-at-moment').uncheck();
    await page.waitForFunction((count) => document.querySelectorAll('#finding-list tbody tr').length === count, all.length, { timeout: 10_000 });
    assert.ok((await texts('#finding-list tbody tr')).some((text) => text.includes('membership.expired-while-receiving')));
    await page.locator('#filter-severity').selectOption('error');
    const errors = all.filter((finding) => finding.severity === 'error').length;
    await page.waitForFunction((count) => document.querySelectorAll('#finding-list tbody tr').length === count, errors, { timeout: 10_000 });
    assert.ok((await texts('#finding-list tbody tr')).every((text) => text.includes('error')));
    await page.locator('#finding-list tbody a[href^="#/group/"]').count();
    await page.goto(`${server.url}#/?at=${at}`);
    const warnings = holding.filter((finding) => finding.severity === 'warning').length;
    await page.locator('#findings-summary .severity-warning', { hasText: `${warnings} warning` }).waitFor({ timeout: 10_000 });
    assert.deepEqual(pageErrors, []);
  });

  test('the network map: a node per router and per link, the chosen tree overlaid edge by edge, findings marked where they are', async () => {
    const all = (await sample.store.findings({ limit: 1000, offset: 0 })).items;
    const ignored = all.find((finding) => finding.kind === 'tree.prune-ignored')!;
    const at = ignored.at + 10;
    const state = await (await fetch(`${server.url}api/snapshot?at=${at}`)).json() as NetworkSnapshot;
    const tree = state.trees.find((entry) => entry.group === ignored.group && entry.edges.length > 1) ?? state.trees.find((entry) => isRoutable(entry.group))!;
    await page.goto(`${server.url}#/map?at=${at}`);
    await page.locator('#network-map canvas').first().waitFor();
    const links = new Set([...state.links.map((link) => link.name), ...state.routers.flatMap((router) => router.interfaces.map((entry) => entry.link))]);
    const counts = () => page.evaluate(() => {
      const graph = (document.querySelector('#network-map') as unknown as { _cyreg?: { cy?: { nodes(selector: string): { length: number }; edges(selector: string): { length: number; map(f: (edge: { id(): string }) => string): string[] } } } })._cyreg?.cy;
      return graph ? { routers: graph.nodes('.router').length, links: graph.nodes('.link').length, tree: graph.edges('.tree').map((edge) => edge.id()), flagged: graph.nodes('[findings > 0]').length } : null;
    });
    const before = await counts();
    assert.ok(before, 'the map is a cytoscape graph');
    assert.deepEqual([before.routers, before.links], [state.routers.length, links.size]);
    assert.deepEqual(before.tree, [], 'no tree chosen yet');
    const holding = all.filter((finding) => finding.at <= at && (finding.until === null || finding.until >= at));
    const flaggedLinks = new Set(holding.map((finding) => finding.link).filter((link): link is string => link !== null && links.has(link)));
    assert.ok(before.flagged >= flaggedLinks.size && flaggedLinks.size > 0, `${before.flagged} nodes flagged, ${flaggedLinks.size} links with findings`);

    await page.locator('#map-tree').selectOption(`${tree.source} ${tree.group}`);
    await page.waitForFunction(() => (document.querySelector('#map-summary')?.textContent ?? '').includes('forwarding edge'));
    const after = await counts();
    const outEdges = new Set(tree.edges.map((edge) => `out:${edge.router}|${edge.out}`));
    assert.deepEqual(after!.tree.filter((id) => id.startsWith('out:')).sort(), [...outEdges].sort(), 'each forwarding edge of the tree is marked, and nothing else');
    assert.match(await page.locator('#map-summary').textContent() ?? '', new RegExp(`${outEdges.size} forwarding edge`));
    assert.match(page.url(), /#\/map\?(.*&)?tree=/, 'the chosen tree is in the URL');
    assert.equal(new URLSearchParams(page.url().split('?')[1]).get('at'), String(at), 'so is the moment');
    await screenshot('map.png');

    // The overview's panel lists the findings at that moment; the link they concern carries a badge with their count.
    await page.goto(`${server.url}#/?at=${at}`);
    await page.locator('#findings-panel tbody tr').first().waitFor();
    const panel = await texts('#findings-panel tbody tr');
    assert.equal(panel.length, Math.min(8, holding.length));
    assert.ok(panel[0]!.startsWith('error'), 'errors first');
    const onLink = holding.filter((finding) => finding.link === ignored.link).length;
    const badge = page.locator(`.link-name[data-link="${ignored.link}"] .finding-badge`);
    assert.equal(await badge.getAttribute('data-count'), String(onLink));
    assert.deepEqual(pageErrors, []);
  });

  test('the event log filters by area and links each event to its group at that moment', async () => {
    await page.goto(`${server.url}#/events`);
    await page.locator('#time-live').click();
    await page.locator('#event-log table').waitFor();
    await page.locator('#filter-area').selectOption('pim');
    await page.locator('form.filters button[type=submit]').click();
    await page.waitForFunction(() => {
      const tags = [...document.querySelectorAll('#event-log tbody .tag')].map((tag) => tag.textContent ?? '');
      return tags.length > 0 && tags.every((tag) => tag.startsWith('pim.'));
    }, null, { timeout: 10_000 });
    await screenshot('events.png');
    // The kind typed as the log shows it finds those events.
    await page.locator('#filter-area').selectOption('');
    await page.locator('#filter-kind').fill('pim.join');
    await page.locator('#filter-kind').press('Enter');
    await page.waitForFunction(() => {
      const tags = [...document.querySelectorAll('#event-log tbody .tag')].map((tag) => tag.textContent ?? '');
      return tags.length > 0 && tags.every((tag) => tag === 'pim.join');
    }, null, { timeout: 10_000 });
    const link = page.locator('#event-log tbody a').first();
    assert.ok(await link.count() > 0, 'the PIM events link to their group');
    const group = (await link.textContent())!.trim();
    await link.click();
    await page.locator('.group-view h1', { hasText: `Group ${group}` }).waitFor();
    assert.match(page.url(), /\?at=\d/);
    assert.doesNotMatch(await page.locator('#time-label').textContent() ?? '', /end of data/);
    assert.deepEqual(pageErrors, []);
  });

  test('the kind filter takes kinds as the log shows them; a group range is a filter, not an error', async () => {
    await page.goto(`${server.url}#/events?kind=pim.rp-learned`);
    await page.locator('#time-live').click();
    await page.waitForFunction(() => {
      const tags = [...document.querySelectorAll('#event-log tbody .tag')].map((tag) => tag.textContent ?? '');
      return tags.length > 0 && tags.every((tag) => tag === 'pim.rp-learned');
    }, null, { timeout: 10_000 });
    assert.match(await page.locator('#event-log tbody .detail').first().textContent() ?? '', /groupPrefix=\S+\/\d+/, 'an RP mapping names its group range');
    await page.goto(`${server.url}#/events?group=${encodeURIComponent('239.0.0.0/8')}`);
    await page.locator('#event-log table').waitFor();
    assert.equal(await page.locator('#event-log .error').count(), 0, await page.locator('#event-log').textContent() ?? '');
    const reply = await fetch(`${server.url}api/changes?group=${encodeURIComponent('239.0.0.0/8')}`);
    assert.equal(reply.status, 200);
    assert.deepEqual(pageErrors, []);
  });

  test('an RP mapping\'s group range links to the groups it covers at that moment, not to a group page', async () => {
    await page.goto(`${server.url}#/events?kind=pim.rp-learned`);
    const rangeLink = page.locator('#event-log tbody td:nth-child(4) a').first();
    await rangeLink.waitFor({ timeout: 10_000 });
    const range = (await rangeLink.textContent())!.trim();
    assert.match(range, /^239\.\d+\.\d+\.\d+\/\d+$/);
    await rangeLink.click();
    await page.locator('.range-view h1', { hasText: `Groups in ${range}` }).waitFor();
    const at = Number(new URLSearchParams(page.url().split('?')[1]).get('at'));
    const covered = await (await fetch(`${server.url}api/groups?at=${at}&routable=true&within=${encodeURIComponent(range)}`)).json() as { items: { group: string }[] };
    assert.ok(covered.items.length > 0, `${range} covers a group at ${at}`);
    await page.waitForFunction((count) => document.querySelectorAll('#range-groups a.group-link').length === count, covered.items.length, { timeout: 10_000 });
    assert.deepEqual(await texts('#range-groups a.group-link'), covered.items.map((entry) => entry.group));
    assert.match(await page.locator('#range-summary').textContent() ?? '', /RP /);
    // The event log filtered by the range, as its group column shows it, finds the RP mapping.
    await page.goto(`${server.url}#/events?group=${encodeURIComponent(range)}&kind=pim.rp-learned`);
    await page.locator('#event-log tbody .tag', { hasText: 'pim.rp-learned' }).first().waitFor({ timeout: 10_000 });
    // A link to the range as a group page (as older pages made) shows the same list, no validation error.
    await page.goto(`${server.url}#/group/${encodeURIComponent(range)}?at=${at}`);
    await page.locator('.range-view h1', { hasText: `Groups in ${range}` }).waitFor();
    assert.equal(await page.locator('main .error').count(), 0);
    assert.deepEqual(pageErrors, []);
  });

  test('a capture uploaded from the page is analyzed and listed', async () => {
    await page.goto(`${server.url}#/`);
    await page.locator('#upload-file').setInputFiles(join(process.cwd(), 'test', 'fixtures', 'decoders', 'igmpv3-mldv2.pcap'));
    await page.locator('#upload-message', { hasText: 'frames analyzed' }).waitFor({ timeout: 20_000 });
    const captures = await (await fetch(`${server.url}api/captures`)).json() as { source: string }[];
    assert.ok(captures.some((capture) => capture.source === 'igmpv3-mldv2.pcap'), JSON.stringify(captures));
    assert.match(await page.locator('#upload-message').textContent() ?? '', /frames analyzed$/);
    assert.equal(await page.locator('#live-status').textContent(), 'live', 'the connection badge keeps telling the connection');
    assert.deepEqual(pageErrors, []);
  });

  test('a truncated upload says where it stopped; a file that is no capture says why, in the upload\'s message area', async () => {
    const whole = await readFile(join(process.cwd(), 'test', 'fixtures', 'decoders', 'igmpv3-mldv2.pcap'));
    const dir = await mkdtemp(join(tmpdir(), 'mcast-upload-test-'));
    try {
      const cut = join(dir, 'cut-short.pcap');
      await writeFile(cut, whole.subarray(0, Math.floor(whole.length * 0.7)));
      await page.goto(`${server.url}#/`);
      await page.locator('#upload-file').setInputFiles(cut);
      await page.locator('#upload-message.upload-warning', { hasText: /stopped at byte \d+/ }).waitFor({ timeout: 20_000 });
      // Progress arriving after the reply (another connection, no order) leaves the outcome shown.
      server.app.hub.publishUploadProgress({ name: 'cut-short.pcap', phase: 'analyzing', bytes: 4096, total: 4096, frames: 3 });
      await page.waitForTimeout(500);
      assert.match(await page.locator('#upload-message.upload-warning').textContent() ?? '', /stopped at byte \d+/);
      const junk = join(dir, 'notes.pcap');
      await writeFile(junk, 'these are not packets\n');
      await page.locator('#upload-file').setInputFiles(junk);
      await page.locator('#upload-message.upload-error', { hasText: 'upload failed' }).waitFor({ timeout: 20_000 });
      assert.equal(await page.locator('#live-status').textContent(), 'live');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    assert.deepEqual(pageErrors, []);
  });

  test('an RTP / MPEG-TS group charts its delivery per link (loss per second, delay factor, RTP jitter), and its tree edges carry their findings', async () => {
    // The faults lab's lan-rcv, where tc netem drops 4 % of the video that R2 forwards there.
    await page.goto(`${server.url}#/`);
    await page.locator('#upload-file').setInputFiles(join(process.cwd(), 'samples', 'faults', 'pcap', 'lan-rcv.pcap.gz'));
    await page.locator('#upload-message', { hasText: 'frames analyzed' }).waitFor({ timeout: 60_000 });
    const quality = await (await fetch(`${server.url}api/flows/quality?source=10.1.0.10&group=239.5.5.6`)).json() as { items: { time: number; mediaLossRate: number }[] };
    const lossy = quality.items.filter((point) => point.mediaLossRate > 0);
    assert.ok(quality.items.length > 20 && lossy.length > 0, JSON.stringify(quality).slice(0, 300));
    const at = lossy[0]!.time + 3;
    await page.goto(`${server.url}#/group/239.5.5.6?at=${at}`);
    await page.locator('#stream-quality').waitFor({ state: 'visible', timeout: 20_000 });
    const charts = await page.evaluate(() => ['loss-chart', 'delay-chart', 'jitter-chart'].map((id) => {
      const chart = (window as unknown as { Chart: { getChart(canvas: Element | null): { data: { datasets: { label?: string; data: { y: number }[] }[] } } | undefined } }).Chart.getChart(document.getElementById(id));
      return chart?.data.datasets.map((dataset) => ({ label: dataset.label, points: dataset.data.length, max: Math.max(...dataset.data.map((point) => point.y)) })) ?? null;
    }));
    const [loss, delay, jitter] = charts;
    assert.deepEqual(loss?.map((dataset) => dataset.label), ['lan-rcv'], JSON.stringify(charts));
    assert.ok(loss![0]!.points > 20 && loss![0]!.max > 0, 'the lost media packets per second');
    assert.ok(delay![0]!.points > 20, 'the delay factor per second');
    assert.ok(jitter !== null && jitter[0]!.points > 20, 'RTP (payload type 33, 90 kHz) has jitter');
    const flag = page.locator('#stream-quality').locator('xpath=..').locator('.edge-finding[data-link="lan-rcv"]');
    await flag.waitFor({ timeout: 10_000 });
    assert.equal(await flag.getAttribute('data-severity'), 'error', 'stream.loss on lan-rcv');
    await screenshot('stream-quality.png');
    // A group of plain UDP datagrams has no numbering: no quality section.
    await page.goto(`${server.url}#/group/239.1.1.1?at=${at}`);
    await page.locator('.tree-graph').waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('#stream-quality').isVisible(), false);
    assert.deepEqual(pageErrors, []);
  });

  test('the capture picker: all captures merged by default; picking one narrows the views to it, in the URL too', async () => {
    const captures = await (await fetch(`${server.url}api/captures`)).json() as { id: number; source: string; links: string[] }[];
    assert.ok(captures.length >= 2, 'the uploads added captures');
    const uploaded = captures.find((capture) => capture.source === 'igmpv3-mldv2.pcap')!;
    await page.goto(`${server.url}#/`);
    await page.locator('#capture-picker option', { hasText: `#${uploaded.id} igmpv3-mldv2.pcap` }).waitFor({ state: 'attached' });
    assert.equal(await page.locator('#capture-picker option').count(), captures.length + 1);
    assert.equal(await page.locator('#capture-picker').inputValue(), '', 'all captures by default');
    await page.locator('#capture-picker').selectOption(String(uploaded.id));
    await page.waitForFunction((id) => location.hash.includes(`capture=${id}`), uploaded.id);
    await page.waitForFunction((links) => {
      const shown = [...document.querySelectorAll('#links tbody tr td:first-child strong')].map((cell) => cell.textContent);
      return shown.length > 0 && shown.every((name) => links.includes(name!));
    }, uploaded.links);
    const range = await (await fetch(`${server.url}api/range?capture=${uploaded.id}`)).json() as TimeRange;
    assert.equal(await page.locator('#time-slider').getAttribute('max'), String(range.end), 'the slider spans the capture picked');
    // Reloaded, the URL keeps the pick; "all captures" goes back to the merged view.
    await page.reload();
    await page.locator('#capture-picker').waitFor();
    await page.waitForFunction((id) => (document.querySelector('#capture-picker') as HTMLSelectElement).value === String(id), uploaded.id);
    await page.locator('#capture-picker').selectOption('');
    await page.waitForFunction(() => !location.hash.includes('capture='));
    // At a moment of the bundled sample (the faults upload lies later in time), its links are back.
    await page.goto(`${server.url}#/?at=${moment.at}`);
    await page.locator('#links strong', { hasText: end.links[0]!.name }).waitFor();
    assert.deepEqual(pageErrors, []);
  });

  test('at phone width (375 px) no view is wider than the screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 375, height: 800 } });
    try {
      phone.on('pageerror', (error) => pageErrors.push(error.message));
      const { at, group } = moment;
      for (const view of ['#/', `#/group/${encodeURIComponent(group)}`, '#/events', '#/findings', '#/map', `#/groups?within=${encodeURIComponent('239.0.0.0/8')}`]) {
        await phone.goto(`${server.url}${view}${view.includes('?') ? '&' : '?'}at=${at}`);
        await phone.locator('main section, main h1').first().waitFor();
        await phone.waitForLoadState('networkidle');
        const width = await phone.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 375, `${view}: ${width} px wide`);
      }
      await phone.goto(`${server.url}#/?at=${at}`);
      await phone.locator('#groups table').waitFor();
      await phone.screenshot({ path: join(ARTIFACTS, 'overview-phone.png'), fullPage: true });
    } finally {
      await phone.close();
    }
    assert.deepEqual(pageErrors, []);
  });

  test('a group without data packets (224.0.0.22: reports only) says so instead of drawing an empty axis', async () => {
    await page.goto(`${server.url}#/group/${encodeURIComponent('224.0.0.22')}?at=${moment.at}`);
    await page.locator('#rate-empty').waitFor();
    assert.equal(await page.locator('#rate-chart').isVisible(), false);
    assert.deepEqual(pageErrors, []);
  });
});
