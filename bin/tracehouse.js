#!/usr/bin/env node
// The tracehouse command. Runs the TypeScript sources through tsx, so there is no build
// step between `npm install` and `npx tracehouse`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../packages/server/src/index.ts');
process.exitCode = await main(process.argv.slice(2));
