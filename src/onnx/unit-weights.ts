// Binds a unit's parameters to initializers stored in the unit's own weight file. The same declaration
// order gives the file layout, so the file can be written without building a graph.
import type { GraphBuilder, Precision } from './graph-builder.js';
import { elementCount, WEIGHT_ALIGNMENT, type WeightInit, type WeightSpec } from './weights.js';

export interface WeightBinder {
  /** Declares a parameter tensor and returns the initializer name to use in the graph. */
  param(local: string, dims: number[], init: WeightInit): string;
}

/** Records the parameters of a unit in declaration order (to lay out and write its weight file). */
export class RecordingBinder implements WeightBinder {
  readonly specs: WeightSpec[] = [];
  param(local: string, dims: number[], init: WeightInit): string {
    this.specs.push({ local, dims, init });
    return local;
  }
}

/** Registers each parameter as an external initializer in `location` at the offset the layout gives. */
export class ExternalBinder implements WeightBinder {
  private offset = 0;
  constructor(
    private readonly builder: GraphBuilder,
    private readonly prefix: string,
    private readonly location: string,
    private readonly precision: Precision,
  ) {}
  param(local: string, dims: number[], _init: WeightInit): string {
    this.offset = Math.ceil(this.offset / WEIGHT_ALIGNMENT) * WEIGHT_ALIGNMENT;
    const length = elementCount(dims) * (this.precision === 'fp32' ? 4 : 2);
    const name = this.builder.externalInitializer(`${this.prefix}.${local}`, dims, this.location, this.offset, length);
    this.offset += length;
    return name;
  }
}

/** Uniform bound of PyTorch's default conv/linear initialisation. */
export const fanInBound = (fanIn: number): WeightInit => ({ kind: 'uniform', bound: 1 / Math.sqrt(fanIn) });
export const ones: WeightInit = { kind: 'fill', value: 1 };
export const zeros: WeightInit = { kind: 'fill', value: 0 };
