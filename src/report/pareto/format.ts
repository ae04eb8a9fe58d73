// Number formatting shared by the server-rendered tables (the page's script has its own copy).

export function fmtMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return v >= 100 ? v.toFixed(1) : v >= 10 ? v.toFixed(2) : v.toFixed(3);
}

export function fmtMillions(v: number): string {
  return (v / 1e6).toFixed(2);
}

export function fmtNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return Number(v.toPrecision(digits)).toString();
}

export function codeOf(stages: { name: string; variants: string[] }[], n: number): { code: string; indices: string } {
  const idx = new Array<number>(stages.length);
  for (let i = stages.length - 1; i >= 0; i--) {
    const k = stages[i]!.variants.length;
    idx[i] = n % k;
    n = Math.floor(n / k);
  }
  return { code: stages.map((s, i) => `${s.name}=${s.variants[idx[i]!]}`).join(','), indices: idx.join('.') };
}

export function flagNamesOf(bits: number, names: readonly string[]): string[] {
  return names.filter((_, i) => (bits & (1 << i)) !== 0);
}
