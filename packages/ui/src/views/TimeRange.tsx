import { setParams } from '../router';

const CHOICES = ['15m', '1h', '6h', '24h', '7d'];

export function TimeRangePicker({ params }: { params: URLSearchParams }) {
  const custom = params.get('start') && params.get('end');
  const value = custom ? 'custom' : (params.get('since') ?? '1h');
  return (
    <select
      aria-label="time range"
      value={value}
      onChange={(e) =>
        setParams(
          { since: e.target.value === '1h' ? undefined : e.target.value, start: undefined, end: undefined },
          false,
        )
      }
    >
      {custom ? <option value="custom">custom range</option> : null}
      {CHOICES.map((c) => (
        <option key={c} value={c}>
          last {c}
        </option>
      ))}
    </select>
  );
}
