// `npm run build:bundle`: bundles workflows/ once, ahead of time, into dist/workflow-bundle.js.
// The production worker loads it through WORKFLOW_BUNDLE, so it starts without running webpack and
// every replica runs byte-identical workflow code (what Temporal replays must not drift between
// workers). If the worker ever gains workflow interceptors or a custom payload converter, pass the
// same modules here (workflowInterceptorModules / payloadConverterPath) or they will be missing.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';

const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
const outFile = fileURLToPath(new URL('../dist/workflow-bundle.js', import.meta.url));

const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });

await mkdir(path.dirname(outFile), { recursive: true });
// Write then rename, so a reader never sees a half-written bundle.
const tmpFile = `${outFile}.${process.pid}.tmp`;
await writeFile(tmpFile, code, 'utf8');
await rename(tmpFile, outFile);

const kib = (Buffer.byteLength(code, 'utf8') / 1024).toFixed(1);
console.log(`[three-lists] workflow bundle: ${path.relative(process.cwd(), outFile)} (${kib} KiB)`);
