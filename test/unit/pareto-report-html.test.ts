import { describe, expect, it } from 'vitest';
import { escapeHtml, scriptJson } from '../../src/report/pareto/escape.js';
import { REPORT_CSP } from '../../src/report/pareto/page.js';
import { evilReport } from '../support/evil-report.js';

describe('Pareto report HTML', () => {
  const html = evilReport();

  it('escapes every string from data: no raw markup from names anywhere in the file', () => {
    expect(html.includes('<img')).toBe(false);
    expect(html.includes('onerror=alert(1)>')).toBe(false);
    expect(html.match(/<\/script>/g)?.length).toBe(3); // data, chart.js, page script
    expect(html.includes('&#60;/script&#62;&#60;img src=x onerror=alert(1)&#62;')).toBe(true);
    expect(html.includes('\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e')).toBe(true);
  });

  it('is self-contained: CSP, inlined chart.js with its license header, no source map, no URLs to load', () => {
    expect(html.includes(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`)).toBe(true);
    expect(REPORT_CSP).toBe("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:");
    expect(html.includes('Chart.js v4.6.1')).toBe(true);
    expect(html.includes('Released under the MIT License')).toBe(true);
    expect(html.includes('sourceMappingURL')).toBe(false);
    expect(/<(script|link|img|iframe)\b[^>]*\b(src|href)=/i.exec(html)?.[0] ?? null).toBeNull();
    expect(html.includes('animation: false')).toBe(true);
  });

  it('shows flags and failed entries visibly', () => {
    expect(html.includes('id="flag-banner"')).toBe(true);
    expect(/<span class="flag">throttled<\/span>/.test(html)).toBe(true);
    expect(html.includes('block/D1/R-R-R/l16/w1/fp32')).toBe(true);
  });

  it('tells a run-wide flag once in the banner, naming the (escaped) device; rows show only their own', () => {
    const banner = /<p class="warn-banner" id="flag-banner">(.*?)<\/p>/s.exec(html)?.[1] ?? '';
    expect(banner).toContain(
      '<strong>Run-wide:</strong> <span class="run-wide">dev&#60;/script&#62;&#60;img src=x onerror=alert(1)&#62;: ' +
        'outliers in 37 of 38 entries: this host is noisy',
    );
    expect(banner).toContain('<span class="flag">throttled</span> ×1, <span class="flag">failed</span> ×1.');
    expect(banner).not.toContain('<span class="flag">outliers</span>');
    const heatmap = /<section id="heatmap">.*?<\/section>/s.exec(html)?.[0] ?? '';
    expect(heatmap).not.toContain('outliers');
    expect(heatmap.match(/<span class="flag">throttled<\/span>/g)).toHaveLength(1);
    // Every flag stays on demand: folded under Flags, and in the embedded data.
    expect(html).toContain('<summary>Every flag of every entry (38 of 39 entries carry flags)</summary>');
    expect(html).toContain('"rowFlags":["trend","throttled","margin-not-reached","cpu-fallback"');
  });

  it('escape helpers', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
    const json = scriptJson({ s: '</script>\u2028&' });
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual({ s: '</script>\u2028&' });
  });
});
