import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkTemplate, expandTemplate } from '../../src/index';

const data = {
  labels: { service: 'checkout', instance: 'host-1.example.com:9090' },
  value: 0.0512,
  externalUrl: 'https://th.example.com/base',
};
const x = (t: string, value = data.value) => expandTemplate(t, { ...data, value });

describe('alert templates (Prometheus text/template)', () => {
  test('$labels, $value and .Labels/.Value, as Prometheus prints them', () => {
    assert.equal(x('{{ $labels.service }} at {{ $value }}'), 'checkout at 0.0512');
    assert.equal(x('{{ .Labels.service }} {{ .Value }}'), 'checkout 0.0512');
    assert.equal(x('{{ $value }}', 1e6), '1e+06');
    assert.equal(x('{{ $value }}', 1234567), '1.234567e+06');
    assert.equal(x('{{ $value }}', 123456), '123456');
    assert.equal(x('{{ $value }}', 0.00001), '1e-05');
    assert.equal(x('{{ $labels.missing }}|'), '|');
  });

  test('humanize family matches Prometheus outputs', () => {
    assert.equal(x('{{ humanize $value }}', 1234567), '1.235M');
    assert.equal(x('{{ $value | humanize }}', 0.0512), '51.2m');
    assert.equal(x('{{ humanize 0 }}'), '0');
    assert.equal(x('{{ humanize1024 $value }}', 1048576), '1Mi');
    assert.equal(x('{{ humanizeDuration $value }}', 90061), '1d 1h 1m 1s');
    assert.equal(x('{{ humanizeDuration $value }}', 0.25), '250ms');
    assert.equal(x('{{ humanizeDuration $value }}', 12.3456), '12.35s');
    assert.equal(x('{{ humanizePercentage $value }}', 0.0512), '5.12%');
    assert.equal(x('{{ humanizeTimestamp $value }}', 1_700_000_000), '2023-11-14 22:13:20 +0000 UTC');
  });

  test('printf, pipes, conditionals, range and string functions', () => {
    assert.equal(x('{{ printf "%.2f%%" $value }}', 12.3456), '12.35%');
    assert.equal(x('{{ printf "%s=%d" "n" 3 }}'), 'n=3');
    assert.equal(x('{{ if gt $value 0.05 }}high{{ else }}low{{ end }}'), 'high');
    assert.equal(x('{{ if gt $value 1.0 }}a{{ else if gt $value 0.01 }}b{{ else }}c{{ end }}'), 'b');
    assert.equal(
      x('{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}'),
      'instance=host-1.example.com:9090;service=checkout;',
    );
    assert.equal(x('{{ $labels.service | toUpper }} {{ title "hello world" }}'), 'CHECKOUT Hello World');
    assert.equal(
      x('{{ $labels.instance | stripPort }} {{ stripDomain $labels.instance }}'),
      'host-1.example.com host-1:9090',
    );
    assert.equal(x('{{ reReplaceAll "(.*)-(\\\\d)" "$2-$1" "host-1" }}'), '1-host');
    assert.equal(x('{{ with $labels.service }}svc={{ . }}{{ end }}'), 'svc=checkout');
    assert.equal(x('{{- " a " -}}  |  {{- "b" }}'), ' a |b');
    assert.equal(x('{{/* a comment */}}ok'), 'ok');
    assert.equal(x('{{ $x := "v" }}{{ $x }}'), 'v');
    assert.equal(x('{{ externalURL }}{{ pathPrefix }}'), 'https://th.example.com/base/base');
  });

  test('bad templates: syntax is caught at load, run-time errors become the annotation', () => {
    assert.match(checkTemplate('{{ if true }}x') ?? '', /missing \{\{end\}\}/);
    assert.match(checkTemplate('{{ nosuch $value }}') ?? '', /function "nosuch" not defined/);
    assert.match(checkTemplate('{{ $value') ?? '', /unclosed action/);
    assert.match(checkTemplate('{{ query "up" }}') ?? '', /not supported/);
    assert.equal(checkTemplate('{{ $labels.a }} {{ $value | humanize }}'), null);
    assert.match(x('{{ humanize "abc" }}'), /^<error expanding template: humanize: cannot convert/);
    assert.equal(x('plain text, no actions'), 'plain text, no actions');
  });
});
