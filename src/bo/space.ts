// A search space declared once, read by everything else (as scikit-optimize's Space): each
// dimension's type and scale. Points travel as unit-cube encodings: a real or integer
// dimension is one coordinate in [0, 1] (linear, or logarithmic for `log`), a categorical one
// coordinate per choice (one-hot). The GP sees the "canonical" encoding, where an integer is
// rounded to its value and a categorical to its one-hot vector, so that the surrogate is flat
// between the values a trial can actually take (Garrido-Merchán & Hernández-Lobato, 2020).
import { ArgumentError } from '../tensor/errors.js';
import { cat, type Tensor } from '../tensor/index.js';

/** A value a categorical dimension can take. */
export type Choice = string | number | boolean;

/** One dimension of a search space: a real or integer range (optionally log-scaled) or a categorical set of choices. */
export type Dimension =
  | { name: string; type: 'real'; low: number; high: number; log?: boolean }
  | { name: string; type: 'integer'; low: number; high: number; log?: boolean }
  | { name: string; type: 'categorical'; choices: readonly Choice[] };

/** A point of a search space: a value for each dimension, by name. */
export type Point = Record<string, Choice>;

interface Layout {
  dimension: Dimension;
  /** First coordinate in the encoding, and how many it takes. */
  offset: number;
  width: number;
  /** Ends of the coordinate's range in value space (log space for `log`); integers cover whole cells. */
  from: number;
  to: number;
}

/** A search space of named real, integer and categorical dimensions (as scikit-optimize's Space), encoded for the GP in the unit cube. */
export class Space {
  readonly dimensions: readonly Dimension[];
  /** Number of unit-cube coordinates. */
  readonly width: number;
  readonly #layouts: Layout[];

  constructor(dimensions: readonly Dimension[]) {
    if (!Array.isArray(dimensions) || dimensions.length === 0) {
      throw new ArgumentError('the search space is empty: give at least one dimension, e.g. { name: "lr", type: "real", low: 1e-4, high: 1e-2, log: true }');
    }
    const names = new Set<string>();
    let offset = 0;
    this.#layouts = dimensions.map((dimension) => {
      const layout = layoutOf(dimension, offset);
      if (names.has(dimension.name)) throw new ArgumentError(`search space: dimension '${dimension.name}' is declared twice`);
      names.add(dimension.name);
      offset += layout.width;
      return layout;
    });
    this.dimensions = dimensions.map((d) => ({ ...d }));
    this.width = offset;
  }

  /** Unit-cube coordinates of a point (canonical: integers at their value, categoricals one-hot). */
  encode(point: Point): Float64Array {
    const unit = new Float64Array(this.width);
    for (const { dimension, offset, from, to } of this.#layouts) {
      const value = point[dimension.name];
      if (value === undefined) throw new ArgumentError(`point has no value for dimension '${dimension.name}'`);
      if (dimension.type === 'categorical') {
        const index = dimension.choices.indexOf(value);
        if (index < 0) throw new ArgumentError(`'${String(value)}' is not a choice of '${dimension.name}' (${dimension.choices.join(', ')})`);
        unit[offset + index] = 1;
      } else {
        if (typeof value !== 'number' || !Number.isFinite(value)) throw new ArgumentError(`'${dimension.name}' must be a number, got ${String(value)}`);
        unit[offset] = clamp01(((dimension.log ? Math.log(value) : value) - from) / (to - from));
      }
    }
    return unit;
  }

  /** The point a unit-cube vector stands for. */
  decode(unit: ArrayLike<number>): Point {
    const point: Point = {};
    for (const { dimension, offset, width, from, to } of this.#layouts) {
      if (dimension.type === 'categorical') {
        point[dimension.name] = dimension.choices[argmax(unit, offset, width)]!;
      } else {
        const u = clamp01(unit[offset]!);
        const scaled = from + u * (to - from);
        // The ends exactly (exp(log(1e-4)) is 1.0000000000000009e-4).
        const value = u === 0 && dimension.type === 'real' ? dimension.low : u === 1 && dimension.type === 'real' ? dimension.high : dimension.log ? Math.exp(scaled) : scaled;
        point[dimension.name] = dimension.type === 'integer' ? Math.min(dimension.high, Math.max(dimension.low, Math.round(value))) : Math.min(dimension.high, Math.max(dimension.low, value));
      }
    }
    return point;
  }

  /** The canonical encoding of a unit vector: encode(decode(unit)). */
  canonical(unit: ArrayLike<number>): Float64Array {
    return this.encode(this.decode(unit));
  }

  /** A uniform draw in the unit cube (so log dimensions are log-uniform), canonical. */
  sample(random: () => number): Float64Array {
    return this.canonical(Float64Array.from({ length: this.width }, random));
  }

  /**
   * The canonical encoding of a batch [m, width] as tensor operations, for the kernel: rounding
   * and one-hot have zero gradient, so gradient steps move the real coordinates alone.
   */
  canonicalTensor(x: Tensor): Tensor {
    if (this.#layouts.every((l) => l.dimension.type === 'real')) return x;
    const columns = this.#layouts.map(({ dimension, offset, width, from, to }) => {
      const column = x.narrow(1, offset, width);
      if (dimension.type === 'real') return column;
      if (dimension.type === 'categorical') return column.eq(column.max(1, true).values).to(x.dtype);
      const scaled = column.clamp(0, 1).mul(to - from).add(from);
      const value = (dimension.log ? scaled.exp() : scaled).round().clamp(dimension.low, dimension.high);
      return (dimension.log ? value.log() : value).sub(from).div(to - from);
    });
    return cat(columns, 1);
  }

  /** Whether the space holds at most `count` distinct points (all discrete and small). */
  size(): number {
    let size = 1;
    for (const { dimension } of this.#layouts) {
      if (dimension.type === 'real') return Infinity;
      size *= dimension.type === 'categorical' ? dimension.choices.length : dimension.high - dimension.low + 1;
    }
    return size;
  }
}

function layoutOf(dimension: Dimension, offset: number): Layout {
  if (!dimension || typeof dimension !== 'object') throw new ArgumentError(`search space: a dimension must be an object, got ${String(dimension)}`);
  const name = dimension.name;
  if (typeof name !== 'string' || name === '') throw new ArgumentError('search space: every dimension needs a name');
  if (dimension.type === 'categorical') {
    const choices = dimension.choices;
    if (!Array.isArray(choices) || choices.length < 1) throw new ArgumentError(`search space: '${name}' needs at least one choice`);
    if (new Set(choices).size !== choices.length) throw new ArgumentError(`search space: '${name}' lists a choice twice`);
    return { dimension, offset, width: choices.length, from: 0, to: 1 };
  }
  if (dimension.type !== 'real' && dimension.type !== 'integer') {
    throw new ArgumentError(`search space: '${name}' has unknown type '${String((dimension as { type: unknown }).type)}' (expected real, integer or categorical)`);
  }
  const { low, high } = dimension;
  if (typeof low !== 'number' || typeof high !== 'number' || !Number.isFinite(low) || !Number.isFinite(high)) {
    throw new ArgumentError(`search space: '${name}' needs finite numeric low and high, got ${String(low)}..${String(high)}`);
  }
  if (!(low < high) && !(dimension.type === 'integer' && low === high)) {
    throw new ArgumentError(`search space: '${name}' has an empty or inverted range ${low}..${high}: low must be below high`);
  }
  if (dimension.type === 'integer' && (!Number.isInteger(low) || !Number.isInteger(high))) {
    throw new ArgumentError(`search space: integer '${name}' needs integer bounds, got ${low}..${high}`);
  }
  if (dimension.log && low <= 0) throw new ArgumentError(`search space: log-scaled '${name}' needs positive bounds, got ${low}..${high}`);
  // An integer owns the cell [k − ½, k + ½], so each value gets the same share of the cube.
  const [lo, hi] = dimension.type === 'integer' ? [dimension.log ? Math.max(low - 0.5, low / 2) : low - 0.5, high + 0.5] : [low, high];
  return { dimension, offset, width: 1, from: dimension.log ? Math.log(lo) : lo, to: dimension.log ? Math.log(hi) : hi };
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

function argmax(values: ArrayLike<number>, offset: number, width: number): number {
  let best = 0;
  for (let i = 1; i < width; i++) if (values[offset + i]! > values[offset + best]!) best = i;
  return best;
}

/**
 * One dimension from its command-line form `name=[kind:]range`: `dropout=0..0.5` (real),
 * `lr=log:1e-4..1e-2` (real, log scale), `latent=int:2..64`, `width=log-int:16..1024`,
 * `act=cat:relu,tanh,gelu` (choices that read as numbers become numbers).
 */
export function parseDimension(spec: string): Dimension {
  const text = String(spec);
  const equals = text.indexOf('=');
  const name = text.slice(0, equals).trim();
  if (equals < 0 || name === '') throw new ArgumentError(`bad parameter '${text}': expected name=range, e.g. lr=log:1e-4..1e-2, latent=int:2..64, dropout=0..0.5, act=cat:relu,tanh`);
  const body = text.slice(equals + 1).trim();
  const colon = body.indexOf(':');
  const kind = colon < 0 ? 'real' : body.slice(0, colon);
  const rest = colon < 0 ? body : body.slice(colon + 1);
  let dimension: Dimension;
  if (kind === 'cat') {
    const choices = rest.split(',').map((c) => c.trim()).filter((c) => c !== '').map((c) => (c !== '' && Number.isFinite(Number(c)) ? Number(c) : c));
    dimension = { name, type: 'categorical', choices };
  } else {
    const kinds: Record<string, { type: 'real' | 'integer'; log: boolean }> = {
      real: { type: 'real', log: false }, log: { type: 'real', log: true }, int: { type: 'integer', log: false }, 'log-int': { type: 'integer', log: true },
    };
    const shape = kinds[kind];
    if (!shape) throw new ArgumentError(`bad parameter '${text}': unknown kind '${kind}' (expected log:, int:, log-int: or cat:, or none for a real range)`);
    const ends = rest.split('..');
    const [low, high] = ends.map((e) => (e.trim() === '' ? Number.NaN : Number(e)));
    if (ends.length !== 2 || !Number.isFinite(low) || !Number.isFinite(high)) throw new ArgumentError(`bad parameter '${text}': expected a range low..high of two numbers, got '${rest}'`);
    dimension = { name, type: shape.type, low: low!, high: high!, ...(shape.log ? { log: true } : {}) };
  }
  layoutOf(dimension, 0); // the same checks as a declared space (range, log bounds, integers)
  return dimension;
}
