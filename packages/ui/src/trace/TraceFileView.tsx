// Open a trace file (OTLP/JSON, as "Download JSON" saves it, or Tempo's {"batches": ...}) in the
// trace view without storing it anywhere: it stays in this page's memory.
import { useState } from 'react';
import { Problem } from '../components';
import { buildTrace, type OtlpTracesData, type Trace } from './model';
import { Waterfall } from './TraceView';

let opened: { trace: Trace; raw: OtlpTracesData; name: string } | null = null;

/** OTLP/JSON TracesData from a parsed file, or an error saying what was expected. */
export function tracesDataOf(doc: unknown): OtlpTracesData {
  const d = doc as { resourceSpans?: unknown; batches?: unknown; trace?: unknown };
  if (d && Array.isArray(d.resourceSpans)) return d as OtlpTracesData;
  if (d && Array.isArray(d.batches)) return { resourceSpans: d.batches as OtlpTracesData['resourceSpans'] };
  if (d?.trace) return tracesDataOf(d.trace);
  throw new Error('not an OTLP/JSON trace: expected {"resourceSpans": [...]} (or Tempo\'s {"batches": [...]})');
}

export async function readTraceFile(file: File): Promise<{ trace: Trace; raw: OtlpTracesData }> {
  if (file.size > 200 * 1024 * 1024) throw new Error('the file is larger than 200 MB');
  const raw = tracesDataOf(JSON.parse(await file.text()));
  const trace = buildTrace(raw);
  if (!trace.spans.length) throw new Error('the file holds no spans');
  return { trace, raw };
}

export function TraceFilePicker({ onOpen, label }: { onOpen: (f: File) => void; label: string }) {
  return (
    <label className="file-pick">
      {label}{' '}
      <input
        type="file"
        accept="application/json,.json"
        data-testid="trace-file-input"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) onOpen(f);
        }}
      />
    </label>
  );
}

export function TraceFileView({ params }: { params: URLSearchParams }) {
  const [file, setFile] = useState(opened);
  const [error, setError] = useState<Error | null>(null);
  const open = (f: File) =>
    readTraceFile(f).then(
      (r) => {
        opened = { ...r, name: f.name };
        setFile(opened);
        setError(null);
      },
      (e: Error) => setError(e),
    );
  return (
    <div className="trace-file">
      <div className="toolbar">
        <TraceFilePicker onOpen={open} label="Open a trace file (OTLP/JSON):" />
        {file ? (
          <span className="muted small" data-testid="trace-file-name">
            {file.name}: shown from this browser only, not stored
          </span>
        ) : null}
      </div>
      {error ? <Problem title="Could not open the file">{error.message}</Problem> : null}
      {file ? (
        <Waterfall trace={file.trace} raw={file.raw} params={params} decision="none" logs={[]} logsComplete={true} />
      ) : !error ? (
        <div className="empty">
          Choose a file saved with <b>Download JSON</b> on a trace (or any OTLP/JSON export). It is read in this browser
          and never sent to the server.
        </div>
      ) : null}
    </div>
  );
}
