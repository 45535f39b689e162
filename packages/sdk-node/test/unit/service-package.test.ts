import assert from 'node:assert/strict';
import { test } from 'node:test';
import { servicePackageVersion } from '../../src/service-package.js';

const files: Record<string, string> = {
  '/srv/app/package.json': JSON.stringify({ name: 'app', version: '1.2.3' }),
  '/srv/app/node_modules/next/package.json': JSON.stringify({ name: 'next', version: '15.0.0' }),
  '/srv/monorepo/package.json': JSON.stringify({ name: 'root', private: true }),
  '/srv/broken/package.json': '{',
};
const read = (path: string) => files[path];

test('the package.json nearest to the entry script, walking up', () => {
  assert.equal(servicePackageVersion('/srv/app/dist/bin/server.js', '/', read), '1.2.3');
});

test("a tool's entry script under node_modules does not count; the working directory does", () => {
  assert.equal(servicePackageVersion('/srv/app/node_modules/next/dist/bin/next', '/srv/app', read), '1.2.3');
});

test('no version when the nearest package.json has none, is malformed, or there is none', () => {
  assert.equal(servicePackageVersion('/srv/monorepo/server.js', '/', read), undefined);
  assert.equal(servicePackageVersion('/srv/broken/server.js', '/', read), undefined);
  assert.equal(servicePackageVersion(undefined, '/tmp', read), undefined);
  assert.equal(servicePackageVersion('/srv/monorepo/server.js', '/srv/app', read), '1.2.3');
});
