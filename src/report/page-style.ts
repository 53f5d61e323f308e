// The report page's stylesheet, embedded in every page (no external files): a narrow column of
// white cards on a light background, in the theme's fonts and colours.
import { colours, fontStack, monospaceStack } from './theme.js';

export const pageStyle = `
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; background: ${colours.pageBackground}; color: ${colours.text}; font: 15px/1.55 ${fontStack}; }
header, nav.contents, main { max-width: 1120px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 32px; padding-bottom: 8px; }
h1 { font-size: 28px; line-height: 1.2; margin: 0 0 6px; font-weight: 650; letter-spacing: -0.01em; }
h2 { font-size: 19px; line-height: 1.3; margin: 0 0 12px; font-weight: 620; }
.subtitle { margin: 0; font-size: 17px; color: ${colours.mutedText}; }
.generated { margin: 6px 0 0; font-size: 13px; color: ${colours.mutedText}; }
nav.contents { margin-top: 16px; }
nav.contents h2 { font-size: 13px; text-transform: uppercase; letter-spacing: 0.06em; color: ${colours.mutedText}; margin-bottom: 4px; }
nav.contents ol { margin: 0; padding-left: 22px; columns: 2 300px; }
a { color: ${colours.accent}; text-decoration: none; }
a:hover { text-decoration: underline; }
section { background: ${colours.cardBackground}; border: 1px solid ${colours.border}; border-radius: 10px; box-shadow: 0 1px 2px rgb(0 0 0 / 0.04); padding: 22px 26px; margin: 20px 0; scroll-margin-top: 16px; }
p { margin: 0 0 12px; max-width: 75ch; }
p.description { color: ${colours.mutedText}; }
figure { margin: 16px 0; min-width: 0; }
.frame { overflow-x: auto; }
figcaption { margin-top: 6px; font-size: 13px; color: ${colours.mutedText}; }
svg { display: block; max-width: 100%; height: auto; }
img { display: block; max-width: 100%; height: auto; }
img.pixelated { image-rendering: pixelated; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 360px), 1fr)); gap: 8px 24px; align-items: start; }
table { border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 14px 5px 0; text-align: left; vertical-align: top; }
th { font-weight: 600; border-bottom: 1px solid ${colours.axis}; white-space: nowrap; }
td { border-bottom: 1px solid ${colours.grid}; }
.number { text-align: right; padding-left: 14px; white-space: nowrap; }
pre.code { margin: 16px 0; padding: 12px 14px; overflow-x: auto; background: ${colours.pageBackground}; border: 1px solid ${colours.border}; border-radius: 6px; font: 12.5px/1.5 ${monospaceStack}; }
@media print {
  body { background: none; }
  section { box-shadow: none; break-inside: avoid-page; }
}
`;
