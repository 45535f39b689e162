// A node:test reporter that writes one line per failed test: its file, a tab, its name. run-tests.mjs
// reads it to know which files to run a second time.
export default async function* failedFiles(source) {
  for await (const event of source) {
    if (event.type === 'test:fail' && event.data.file) yield `${event.data.file}\t${event.data.name}\n`;
  }
}
