// What a text looks like, for the error a parser raises when the text is not what it reads: "no
// Average inference time cost line; the text looks like snpe-diagview output (SNPE)". The signatures
// are lines each tool prints in every version this project has captures of.

interface Signature {
  name: string;
  test: RegExp;
}

const SIGNATURES: readonly Signature[] = [
  {
    name: 'snpe-diagview output (SNPE)',
    test: /^\s*(?:Average SNPE|SNPE Execute|SNPE Create|Dnn Runtime Load\/Deserialize\/Create\/De-Init) Statistics/m,
  },
  { name: "snpe-net-run's log (SNPE)", test: /^\s*(?:SNPE v\d|Processing DNN [Ii]nput\(s\):)/m },
  {
    name: 'qnn-profile-viewer output (QNN)',
    test: /^\s*(?:Qnn Init\/Prepare\/Finalize|Execute Stats \((?:Average|Min|Max|Overall)\):|Execute Stat \d+$)/m,
  },
  { name: 'a QNN profiling CSV', test: /^Msg Timestamp,\s*Message,\s*Time/m },
  { name: "qnn-net-run's log (QNN)", test: /^\s*qnn-net-run\b|QnnDevice|QnnGraph_/m },
  {
    name: 'onnxruntime_perf_test output',
    test: /^\s*(?:Average (?:inference )?time cost|Session creation time|Total (?:inference requests|iterations):)/m,
  },
  {
    name: 'TFLite benchmark_model output',
    test: /Inference timings in us:|^(?:INFO: )?count=\d+ (?:first|curr)=|Profiling Info for .*Benchmark/m,
  },
  { name: 'dumpsys thermalservice output', test: /Temperature\{mValue=|^Thermal Status: -?\d/m },
  { name: 'dumpsys battery output', test: /^Current Battery Service state:/m },
  { name: 'getprop output', test: /^\[[\w.-]+\]: \[/m },
  { name: 'a JSON document', test: /^\s*[[{]\s*"/ },
  { name: 'an HTML page', test: /^\s*<(?:!doctype html|html)/i },
  { name: 'a shell error', test: /^(?:\/system\/bin\/sh|sh|bash): .*(?:not found|No such file|Permission denied)/m },
];

/** One phrase naming what `text` looks like (a known tool's output, or its first line). */
export function looksLike(text: string): string {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') return 'empty';
  if (/\u0000/.test(body.slice(0, 64))) return 'binary data or UTF-16 read as UTF-8';
  const known = SIGNATURES.find((s) => s.test.test(body));
  if (known) return known.name;
  const lines = body.split(/\r?\n/).filter((l) => l.trim() !== '');
  const first = lines[0]!.trim();
  const shown = first.length > 80 ? `${first.slice(0, 77)}...` : first;
  return `${lines.length} line${lines.length === 1 ? '' : 's'} of unknown text starting "${shown}"`;
}

/** The `; the text looks like …` tail of a parse error, or a sharper sentence for a known other tool. */
export function insteadOf(text: string, expected: string): string {
  const seen = looksLike(text);
  if (/^(?:\d+ lines? of unknown text|empty)/.test(seen)) return `; the text is ${seen}`;
  if (seen.includes(expected)) return `; the text is ${seen} without it (cut short, or a layout not known here)`;
  return `; the text looks like ${seen}, not ${expected}`;
}
