import { useId } from 'react';
import { formatCompact, niceTicks } from '../format';

export interface ChartPoint {
  readonly label: string;
  readonly value: number;
}

/**
 * A small bar chart in SVG: vertical bars (per day) or horizontal bars (per user, so the
 * names stay readable). It scales with its box; a table of the same numbers follows for
 * screen readers and for anyone who wants the exact figures.
 */
export function BarChart({
  title,
  points,
  orientation = 'vertical',
  format = (value) => value.toLocaleString(),
  axisFormat = formatCompact,
  unit,
  wide = false,
}: {
  /** Axis and bar labels, where room is short: compact ("1.2M") by default. */
  readonly axisFormat?: (value: number) => string;
  /** A wide, low chart for a full-width row (vertical bars only). */
  readonly wide?: boolean;
  readonly title: string;
  readonly points: readonly ChartPoint[];
  readonly orientation?: 'vertical' | 'horizontal';
  readonly format?: (value: number) => string;
  readonly unit: string;
}) {
  const id = useId();
  const max = Math.max(1, ...points.map((p) => p.value));
  const summary =
    points.length === 0
      ? `${title}: no data`
      : `${title}: ${points.length} bars, highest ${format(max)} ${unit}`;

  return (
    <figure className="chart" aria-labelledby={`${id}-title`} data-testid="stats-chart">
      <figcaption id={`${id}-title`} className="chart-title">
        {title}
      </figcaption>
      {points.length === 0 ? (
        <p className="muted">No calls in this period.</p>
      ) : orientation === 'vertical' ? (
        <VerticalBars
          points={points}
          max={max}
          format={format}
          axisFormat={axisFormat}
          summary={summary}
          wide={wide}
        />
      ) : (
        <HorizontalBars
          points={points}
          max={max}
          format={format}
          axisFormat={axisFormat}
          summary={summary}
        />
      )}
      {points.length > 0 && (
        <details className="chart-data">
          <summary>Show the numbers</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">{orientation === 'vertical' ? 'Day' : 'Employee'}</th>
                <th scope="col">{unit}</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.label}>
                  <th scope="row">{p.label}</th>
                  <td>{format(p.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  );
}

interface BarsProps {
  readonly points: readonly ChartPoint[];
  readonly max: number;
  readonly format: (value: number) => string;
  readonly axisFormat: (value: number) => string;
  readonly summary: string;
}

/** About how wide a label of the chart's 12 px axis text is, in SVG units. */
const textWidth = (text: string) => text.length * 7;

function VerticalBars({
  points,
  max,
  format,
  axisFormat,
  summary,
  wide,
}: BarsProps & { readonly wide: boolean }) {
  const width = wide ? 900 : 400;
  const height = wide ? 170 : 200;
  const ticks = niceTicks(max);
  const top2 = ticks.at(-1)!;
  // Room for the longest tick label, so no figure is cut ("1,000,000" read "0,000").
  const left = 12 + Math.max(...ticks.map((t) => textWidth(axisFormat(t))));
  const bottom = 28;
  const top = 10;
  const plotWidth = width - left - 22;
  const plotHeight = height - top - bottom;
  const slot = plotWidth / points.length;
  const barWidth = Math.max(2, slot * 0.7);
  // Label every n-th bar so labels never overlap.
  const every = Math.max(1, Math.ceil(points.length / (wide ? 14 : 7)));
  return (
    <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary} className="chart-svg">
      {ticks.map((tick) => {
        const y = top + plotHeight * (1 - tick / top2);
        return (
          <g key={tick}>
            <line x1={left} x2={left + plotWidth} y1={y} y2={y} className="chart-grid" />
            <text x={left - 6} y={y + 4} textAnchor="end" className="chart-axis">
              {axisFormat(tick)}
            </text>
          </g>
        );
      })}
      {points.map((point, i) => {
        const barHeight = (point.value / top2) * plotHeight;
        const x = left + i * slot + (slot - barWidth) / 2;
        return (
          <g key={point.label}>
            <rect
              x={x}
              y={top + plotHeight - barHeight}
              width={barWidth}
              height={barHeight}
              className="chart-bar"
              rx={2}
            >
              <title>{`${point.label}: ${format(point.value)}`}</title>
            </rect>
            {i % every === 0 && (
              <text x={x + barWidth / 2} y={height - 8} textAnchor="middle" className="chart-axis">
                {point.label}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

function HorizontalBars({ points, max, format, axisFormat, summary }: BarsProps) {
  const width = 400;
  const row = 24;
  const labelWidth = 130;
  const valueWidth = 12 + Math.max(...points.map((p) => textWidth(axisFormat(p.value))));
  const height = points.length * row + 8;
  const plotWidth = width - labelWidth - valueWidth;
  return (
    <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary} className="chart-svg">
      {points.map((point, i) => {
        const y = 4 + i * row;
        const barWidth = Math.max(1, (point.value / max) * plotWidth);
        return (
          <g key={point.label}>
            <text
              x={labelWidth - 8}
              y={y + row / 2 + 4}
              textAnchor="end"
              className="chart-axis chart-label"
            >
              {point.label.length > 18 ? `${point.label.slice(0, 17)}…` : point.label}
            </text>
            <rect
              x={labelWidth}
              y={y + 4}
              width={barWidth}
              height={row - 8}
              className="chart-bar"
              rx={2}
            >
              <title>{`${point.label}: ${format(point.value)}`}</title>
            </rect>
            <text x={labelWidth + barWidth + 6} y={y + row / 2 + 4} className="chart-axis">
              {axisFormat(point.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
