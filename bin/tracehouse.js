#!/usr/bin/env -S node --single-threaded-gc
// The tracehouse command. Runs the TypeScript sources through tsx, so there is no build
// step between `npm install` and `npx tracehouse`.
// --single-threaded-gc: V8 collects on the main thread instead of helper threads. Next to
// ClickHouse on a few cores the helpers cost more than they save: at 60,000+ spans/s they took
// 2.7-6.1 us of CPU per span against 1.5 without them, for ~0.5 more on the main thread
// (docs/performance.md, session 20). A start-up flag: set at run time it crashes V8's GC.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../packages/server/src/index.ts');
process.exitCode = await main(process.argv.slice(2));
