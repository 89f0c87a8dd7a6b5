import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { ConfigError, loadConfig } from '../../runtime/config.js';
import { temporaryDataDir } from '../../runtime/local/postgres.js';
import { freePort } from '../../runtime/local/temporal.js';

describe('configuration', () => {
  it('has defaults for every setting', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: 'three-lists' });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names the setting that is malformed', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'localhost' })).toThrow(/TEMPORAL_ADDRESS/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('checks ADMIN_PASSWORD with the rules every password follows', () => {
    expect(() => loadConfig({ ADMIN_PASSWORD: 'short1' })).toThrow(/ADMIN_PASSWORD: 密码至少8位/);
    expect(() => loadConfig({ ADMIN_PASSWORD: 'onlyletters' })).toThrow(/ADMIN_PASSWORD: 密码须同时包含字母和数字/);
    expect(() => loadConfig({ ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'root-2025-pass' })).toThrow(/ADMIN_PASSWORD: 密码不能包含用户名/);
    expect(loadConfig({ ADMIN_PASSWORD: 'Correct-horse-7' }).ADMIN_PASSWORD).toBe('Correct-horse-7');
  });
});

describe('npm start with a wrong setting', () => {
  // Ports and a folder of its own: the start checks them before anything else.
  const start = async (env: Record<string, string>) => {
    const dataDir = await temporaryDataDir('three-lists-config-');
    try {
      return spawnSync(process.execPath, ['--import', 'tsx', 'runtime/start.ts'], {
        env: { ...process.env, ...env, PORT: '0', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), EMBEDDED_TEMPORAL_PORT: String(await freePort()), EMBEDDED_TEMPORAL_UI_PORT: String(await freePort()) },
        encoding: 'utf8',
        timeout: 60_000,
      });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  };

  it('prints one clear line naming DATABASE_URL when the database cannot be reached', async () => {
    const result = await start({ DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/none' });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/DATABASE_URL/);
    expect(lines[0]).not.toContain('secret');
  });

  it('prints one clear line naming TEMPORAL_ADDRESS when Temporal cannot be reached', async () => {
    const result = await start({ DATABASE_URL: inject('databaseUrl'), TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/TEMPORAL_ADDRESS/);
  });
});
