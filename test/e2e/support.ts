/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (The page-side checks below run in the browser: DOM types for them.)
// What every browser test needs: the app on a real port with the demo loaded (the Sichuan package,
// people for every role), Debian's chromium driven by playwright-core, signing in as someone,
// screenshots at desktop and phone size, and the check that nothing on a page is English only.
//
//   const chromium = await ensureChromium();          // at the top of a test file
//   describe.skipIf('skip' in chromium)('…', () => { … app = await startDashboard('name') … });
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect, vi } from 'vitest';
import { buildApp } from '../../api/app.js';
import { createPerson } from '../../api/routes/people/service.js';
import { listEntries, measures } from '../../db/schema/index.js';
import { DEMO_PASSWORD, demoPackage, loadDemo } from '../../demo/load.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { CHROMIUM, ensureChromium } from './chromium.js';

export { ensureChromium };

/** Screenshots land here (git-ignored), one file per page and size. */
export const ARTIFACTS = path.resolve('test-artifacts/screenshots');
export const VIEWPORTS = { desktop: { width: 1366, height: 768 }, phone: { width: 390, height: 844 } } as const;

/** Demo sign-ins (password DEMO_PASSWORD): `office`, `leader`, `admin`, and each department by its id without `sc-` (`health`, `sci`, …). */
export const USERNAMES = { coordination_office: 'office', leader: 'leader', admin: 'admin', department: 'health' } as const;

export interface Dashboard {
  url: string;
  env: TestEnv;
  /** The id of the demo measure with this 序号. */
  measureId(seq: number): Promise<string>;
  /** A browser page of its own (fresh cookies), at desktop size; console errors are collected. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const errorsOf = new WeakMap<Page, string[]>();

export async function startDashboard(name: string): Promise<Dashboard> {
  const env = await createTestEnv(name);
  await env.startWorker();
  const app = await buildApp({ database: env.database, temporal: env.client, taskQueue: env.taskQueue, temporalUiUrl: 'http://127.0.0.1:8233', logLevel: 'silent', loginRateLimit: 1000 });
  const db = env.database.db;
  await loadDemo(db, app.measures, () => undefined);
  await createPerson(db, { username: USERNAMES.admin, displayName: '系统管理员', role: 'admin', password: DEMO_PASSWORD });
  // Every dispatched measure is in a list before a page looks.
  await vi.waitFor(
    async () => {
      const entries = await db.select({ id: listEntries.measureId }).from(listEntries);
      if (entries.length !== demoPackage().measures.length) throw new Error(`demo: ${entries.length} measures in the lists so far`);
    },
    { timeout: 30_000, interval: 200 },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // playwright launches with a fresh temporary profile (--user-data-dir) of its own.
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });

  return {
    url,
    env,
    async measureId(seq) {
      const [row] = await db.select({ id: measures.id }).from(measures).where(eq(measures.seq, seq));
      return row!.id;
    },
    async newPage() {
      const context = await browser.newContext({ baseURL: url, viewport: VIEWPORTS.desktop, locale: 'zh-CN' });
      const page = await context.newPage();
      const errors: string[] = [];
      // A refused sign-in or an expired session answers 401 on purpose; anything else is a fault.
      page.on('console', (m) => m.type() === 'error' && !/status of 401/.test(m.text()) && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      errorsOf.set(page, errors);
      return page;
    },
    async close() {
      await browser.close();
      await app.close();
      await env.close();
    },
  };
}

export async function signIn(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  if (!page.url().includes('/login')) await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** Screenshots of the page as it is, at 1366×768 and at 390×844, named `<name>-desktop.png`, `<name>-phone.png`. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const before = page.viewportSize();
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${size}.png`), fullPage: true });
  }
  if (before) await page.setViewportSize(before);
}

/**
 * Visible text (and placeholders and tooltips) with Latin words and no Chinese: UI wording that
 * was left in English. Data that is Latin by nature (a username) is marked `translate="no"`.
 */
export async function englishOnlyTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found = new Set<string>();
    const check = (text: string | null | undefined, el: Element) => {
      const t = text?.trim();
      if (!t || el.closest('[translate="no"], script, style, noscript')) return;
      if (/[A-Za-z]{2,}/.test(t) && !/[\u3400-\u9fff]/.test(t)) found.add(t);
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (el && el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) check(node.textContent, el);
    }
    for (const el of document.querySelectorAll('[placeholder], [title]')) {
      if (el.checkVisibility()) for (const attr of ['placeholder', 'title']) check(el.getAttribute(attr), el);
    }
    return [...found];
  });
}

/** The page as a person sees it: screenshots, all Chinese, and no script error or CSP refusal. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await screenshots(page, name);
  expect(await englishOnlyTexts(page), `English-only text on ${name}`).toEqual([]);
  expect(errorsOf.get(page) ?? [], `console errors on ${name}`).toEqual([]);
}
