import { spawnSync } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { ConfigError, loadConfig } from '../../runtime/config.js';

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
});

describe('npm start with a wrong setting', () => {
  const start = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'runtime/start.ts'], {
      env: { ...process.env, ...env, PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('prints one clear line naming DATABASE_URL when the database cannot be reached', () => {
    const result = start({ DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/none' });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/DATABASE_URL/);
    expect(lines[0]).not.toContain('secret');
  });

  it('prints one clear line naming TEMPORAL_ADDRESS when Temporal cannot be reached', () => {
    const result = start({ DATABASE_URL: inject('databaseUrl'), TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/TEMPORAL_ADDRESS/);
  });
});
