// Colour arithmetic for the contrast checks (WCAG 2.x definitions).

// parseColor reads a computed CSS colour, "rgb(r, g, b)" or "rgba(r, g, b, a)".
export function parseColor(css) {
  const m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(css.trim());
  if (!m) throw new Error(`cannot parse colour ${JSON.stringify(css)}`);
  return { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] };
}

// luminance is the relative luminance, 0 (black) to 1 (white).
export function luminance(css) {
  const { r, g, b } = parseColor(css);
  const lin = (c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

// contrast is the WCAG contrast ratio of two opaque colours, 1 to 21.
export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
