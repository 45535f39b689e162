// A text box with suggestions for the word at the cursor: metric names, label names, PromQL
// functions. Tab or Enter takes the highlighted one; Escape closes the list.
import { useMemo, useRef, useState } from 'react';

export const PROMQL_FUNCTIONS = [
  'rate',
  'irate',
  'increase',
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'topk',
  'bottomk',
  'histogram_quantile',
  'avg_over_time',
  'max_over_time',
  'min_over_time',
  'sum_over_time',
  'quantile_over_time',
  'delta',
  'deriv',
  'abs',
  'clamp_min',
  'clamp_max',
  'label_replace',
  'by',
  'without',
];

const MAX_SHOWN = 12;

export function SuggestInput({
  value,
  onChange,
  onSubmit,
  words,
  placeholder,
  testid,
  wide,
}: {
  value: string;
  onChange: (v: string) => void;
  onSubmit: (v: string) => void;
  words: string[];
  placeholder: string;
  testid: string;
  wide?: boolean;
}) {
  const ref = useRef<HTMLInputElement>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [cursor, setCursor] = useState(value.length);
  const word = /[\w:.]*$/.exec(value.slice(0, cursor))?.[0] ?? '';
  const shown = useMemo(() => {
    if (!word) return [];
    const w = word.toLowerCase();
    const starts = words.filter((x) => x.toLowerCase().startsWith(w) && x !== word);
    const contains = words.filter((x) => !x.toLowerCase().startsWith(w) && x.toLowerCase().includes(w));
    return [...starts, ...contains].slice(0, MAX_SHOWN);
  }, [word, words]);
  const take = (s: string) => {
    const before = value.slice(0, cursor - word.length) + s;
    const next = before + value.slice(cursor);
    onChange(next);
    setOpen(false);
    requestAnimationFrame(() => {
      ref.current?.setSelectionRange(before.length, before.length);
      setCursor(before.length);
    });
  };
  return (
    <span className="suggest-box" style={{ position: 'relative', flex: wide ? 1 : undefined }}>
      <input
        ref={ref}
        value={value}
        placeholder={placeholder}
        aria-label={placeholder}
        data-testid={testid}
        spellCheck={false}
        style={{ width: '100%', fontFamily: wide ? 'ui-monospace, monospace' : undefined }}
        onChange={(e) => {
          onChange(e.target.value);
          setCursor(e.target.selectionStart ?? e.target.value.length);
          setOpen(true);
          setActive(0);
        }}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (open && shown.length && (e.key === 'Tab' || (e.key === 'Enter' && word))) {
            e.preventDefault();
            take(shown[active] ?? shown[0]);
          } else if (e.key === 'Enter') onSubmit(value);
          else if (e.key === 'Escape') setOpen(false);
          else if (e.key === 'ArrowDown') setActive((a) => Math.min(shown.length - 1, a + 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1));
        }}
      />
      {open && shown.length ? (
        <div className="suggest" data-testid={`${testid}-suggestions`}>
          {shown.map((s, i) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard path is Tab/Enter in the input
            // biome-ignore lint/a11y/noStaticElementInteractions: a suggestion list item
            <div
              key={s}
              className={i === active ? 'active' : ''}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => take(s)}
            >
              {s}
            </div>
          ))}
        </div>
      ) : null}
    </span>
  );
}
